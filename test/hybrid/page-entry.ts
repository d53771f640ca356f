/**
 * The test page's script (bundled by esbuild at test time into an IIFE): the real hybrid entry
 * (src/hybrid/index.ts), the shared contract driver, and what the Node side needs to watch it.
 * Test page only: XMLHttpRequest is instrumented here to count requests left open.
 */
import { configure, hasBridge, uploadFile, uploadStats } from '../../src/hybrid/index';
import { inSequence, runScenario } from '../contract/driver';
import type { Recording, Scenario } from '../contract/driver';
import { BLOB_REF } from './page-api';
import type { LoadFileOptions, PageHarness, RawOutcome, UrlMaker, XhrCounts } from './page-api';

declare global {
  interface Window {
    /** URL.createObjectURL and URL.revokeObjectURL as they were before the library loaded (harness.ts). */
    beforeLibrary: { createObjectURL(blob: Blob): string; revokeObjectURL(url: string): void };
  }
}

const xhrs: XhrCounts = { open: 0, sent: 0, peak: 0 };

/**
 * Counts every XHR from send() until it is DONE, which it also becomes on abort() and on errors. DONE, not
 * loadend: the library starts the next queued upload from the load handler, before loadend fires.
 */
class CountingXMLHttpRequest extends XMLHttpRequest {
  override send(body?: Document | XMLHttpRequestBodyInit | null): void {
    super.send(body);
    xhrs.sent++;
    xhrs.open++;
    xhrs.peak = Math.max(xhrs.peak, xhrs.open);
    const done = (): void => {
      if (this.readyState !== XMLHttpRequest.DONE) return;
      this.removeEventListener('readystatechange', done);
      xhrs.open--;
    };
    this.addEventListener('readystatechange', done);
  }
}
window.XMLHttpRequest = CountingXMLHttpRequest;

let unhandledRejections = 0;
window.addEventListener('unhandledrejection', () => {
  unhandledRejections++;
});

const files = new Map<string, Blob>();
const blobUrls = new Set<string>();
/** The Blobs of revokedBlobUrl(), kept until releaseFiles(). */
const revokedBlobs: Blob[] = [];

let frame: HTMLIFrameElement | undefined;

/** A same-origin frame without the library: its URL.createObjectURL is the browser's. */
function frameUrl(): typeof URL {
  if (!frame) {
    frame = document.createElement('iframe');
    document.documentElement.append(frame);
  }
  return (frame.contentWindow as Window & { URL: typeof URL }).URL;
}

function makeBlobUrl(blob: Blob, maker: UrlMaker): string {
  if (maker === 'before-library') return window.beforeLibrary.createObjectURL(blob);
  return (maker === 'frame' ? frameUrl() : URL).createObjectURL(blob);
}

function registered(key: string): Blob {
  const blob = files.get(key);
  if (!blob) throw new Error(`no file registered as "${key}"`);
  return blob;
}

/** A `blobref:<key>` value replaced by the registered Blob or File; any other value as it is. */
function sourceOf(value: unknown): unknown {
  return typeof value === 'string' && value.startsWith(BLOB_REF) ? registered(value.slice(BLOB_REF.length)) : value;
}

/** The scenario with `blobref:<key>` filePaths (of the options, of each `files` entry) replaced by their Blobs. */
function withSources(scenario: Scenario): Scenario {
  const options = { ...scenario.options };
  if (options.filePath !== undefined) options.filePath = sourceOf(options.filePath);
  if (Array.isArray(options.files)) {
    options.files = options.files.map((entry: unknown) =>
      typeof entry === 'object' && entry !== null
        ? { ...entry, filePath: sourceOf((entry as { filePath?: unknown }).filePath) }
        : entry,
    ) as typeof options.files;
  }
  return { ...scenario, options };
}

async function loadFile(key: string, url: string, options: LoadFileOptions = {}): Promise<number> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  const bytes = await response.blob();
  const type = options.type ?? '';
  const blob =
    options.fileName === undefined ? bytes.slice(0, bytes.size, type) : new File([bytes], options.fileName, { type });
  files.set(key, blob);
  return blob.size;
}

async function rawUpload(options: unknown, hangMs: number): Promise<RawOutcome> {
  const counts = { failCalls: 0, completeCalls: 0 };
  let given = options;
  if (typeof options === 'object' && options !== null && !Array.isArray(options)) {
    given = { ...options, fail: () => void counts.failCalls++, complete: () => void counts.completeCalls++ };
  }
  let task: Promise<unknown>;
  try {
    task = uploadFile(given as never);
  } catch (err) {
    return { threw: String(err), outcome: 'hang', ...counts };
  }
  const settled = task.then(
    () => ({ outcome: 'success' as const }),
    (err: { errMsg?: unknown }) => ({ outcome: 'fail' as const, errMsg: String(err?.errMsg) }),
  );
  const winner = await Promise.race([settled, new Promise<null>((r) => setTimeout(() => r(null), hangMs))]);
  await new Promise((r) => setTimeout(r, 0));
  return winner ? { threw: null, ...winner, ...counts } : { threw: null, outcome: 'hang', ...counts };
}

const harness: PageHarness = {
  loadFile,
  blobUrl(key, maker = 'page') {
    const url = makeBlobUrl(registered(key), maker);
    blobUrls.add(url);
    return url;
  },
  unheldBlobUrl(key) {
    const blob = registered(key);
    const url = URL.createObjectURL(blob.slice(0, blob.size, blob.type));
    blobUrls.add(url);
    return url;
  },
  revokedBlobUrl(revoker = 'page') {
    const blob = new Blob(['gone']);
    revokedBlobs.push(blob);
    const url = URL.createObjectURL(blob);
    (revoker === 'page' ? URL : window.beforeLibrary).revokeObjectURL(url);
    return url;
  },
  pickedFile(key) {
    const input = document.querySelector<HTMLInputElement>('input[type=file]');
    const file = input?.files?.[0];
    if (!file) throw new Error('no file chosen in the file input');
    files.set(key, file);
    return file.size;
  },
  releaseFiles() {
    files.clear();
    revokedBlobs.length = 0;
    // Any frame's revokeObjectURL revokes a URL of this origin.
    for (const url of blobUrls) URL.revokeObjectURL(url);
    blobUrls.clear();
  },
  run: (scenario): Promise<Recording> => runScenario(uploadFile, withSources(scenario)),
  runMany: (scenarios) => Promise.all(scenarios.map((s) => runScenario(uploadFile, withSources(s)))),
  runInSequence: (scenarios) => inSequence(scenarios, (s) => runScenario(uploadFile, withSources(s))),
  configure,
  uploadStats() {
    const { live, running, waiting } = uploadStats();
    return { live, running, waiting };
  },
  xhrCounts: () => ({ ...xhrs }),
  resetXhrPeak() {
    xhrs.peak = xhrs.open;
  },
  takeUnhandledRejections() {
    const n = unhandledRejections;
    unhandledRejections = 0;
    return n;
  },
  hasBridge,
  rawUpload,
};
window.harness = harness;
