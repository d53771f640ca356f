/**
 * The benchmark page's own script (bundled by esbuild into an IIFE at run time). It does not import the
 * library: the page loads the real build, dist/hybrid/harmony-upload-task.iife.js, as window.HarmonyUploadTask,
 * and this script drives it next to the baseline, a hand-written XMLHttpRequest + FormData upload.
 *
 * Files are Blobs made by fetch().blob() from a local static route: Chromium keeps their bytes in its
 * blob storage, outside the JS heap, so the heap figures show only what an upload itself allocates. A key
 * may also name a blob: URL of such a Blob (`blobUrl`), which the library then uploads as a URL.
 */
import type { UploadFileFailResult, UploadFileSuccessResult, UploadTask } from '../../src/core/types';
import type { HybridUploadFileOptions } from '../../src/hybrid/types';

export type Variant = 'library' | 'raw';

export interface PageResult {
  variant: Variant;
  /** From the call (uploadFile / xhr.send) to the outcome (success callback / onload). */
  ms: number;
  status: number;
  data: string;
}

export interface AbortTiming {
  /** performance.timeOrigin + performance.now() just before abort(). */
  abortAt: number;
  /** ms from abort() to the fail callback (library) or to the abort event (raw). */
  toCallbackMs: number;
}

/**
 * Who makes a blob: URL: the page's URL.createObjectURL now, after the library loaded (the library's
 * record knows its Blob), or the function as it was before the library loaded (the library has to read
 * the URL back), kept by the bench page's first script.
 */
export type UrlMaker = 'page' | 'before-library';

export interface BenchPageApi {
  /** Fetches url into a Blob kept under key; resolves with its size. */
  load(key: string, url: string): Promise<number>;
  /** Makes a blob: URL of the Blob under key and keeps it under urlKey; returns it. */
  blobUrl(key: string, urlKey: string, maker: UrlMaker): string;
  /** Forgets key (and revokes it if it names a blob: URL). */
  drop(key: string): void;
  /** One upload of what key names (raw: a Blob only), awaited. */
  upload(variant: Variant, key: string, url: string): Promise<PageResult>;
  /**
   * The blob: URL under key read back with XHR (responseType 'blob'), then that Blob uploaded by the
   * library: timed from the start of the read to the upload's success.
   */
  uploadReadByXhr(key: string, url: string): Promise<PageResult>;
  /** Starts an upload and returns at once; `settled(id)` awaits it, `abort(id)` aborts it. */
  start(variant: Variant, key: string, url: string): number;
  settled(id: number): Promise<PageResult | { failed: string }>;
  abort(id: number): Promise<AbortTiming>;
  /** performance.timeOrigin + performance.now(), for the clock offset between the page and Node. */
  now(): number;
  /** A native file path, uploaded over the bridge by the native side; counts the progress events seen. */
  uploadNative(filePath: string, url: string): Promise<PageResult & { progressEvents: number }>;
  /** The control of the heap figure: what reading the file into JS looks like. */
  readWhole(key: string): Promise<number>;
  release(): void;
}

interface HarmonyUploadTaskGlobal {
  uploadFile(options: HybridUploadFileOptions): UploadTask & Promise<UploadFileSuccessResult>;
}

declare global {
  interface Window {
    HarmonyUploadTask: HarmonyUploadTaskGlobal;
    benchPage: BenchPageApi;
    /** URL.createObjectURL as it was before the library loaded (bench/lib/page.ts). */
    createObjectURLBeforeLibrary: (blob: Blob) => string;
  }
}

const FILE_NAME = 'upload.bin';
/** Blobs, and blob: URLs of them. */
const sources = new Map<string, Blob | string>();
let held: ArrayBuffer | undefined;

interface Running {
  variant: Variant;
  done: Promise<PageResult | { failed: string }>;
  abort(): void;
  /** Resolves when the abort reached the caller: fail callback or the XHR's abort event. */
  aborted: Promise<number>;
}

const running = new Map<number, Running>();
let ids = 0;

function sourceOf(key: string): Blob | string {
  const source = sources.get(key);
  if (source === undefined) throw new Error(`nothing loaded as ${key}`);
  return source;
}

function blobOf(key: string): Blob {
  const source = sourceOf(key);
  if (typeof source === 'string') throw new Error(`${key} is a blob: URL, not a Blob`);
  return source;
}

const noop = (): void => undefined;

function startLibrary(source: Blob | string, url: string): Running {
  let abortedAt = 0;
  let resolveAborted: (at: number) => void = noop;
  const aborted = new Promise<number>((resolve) => (resolveAborted = resolve));
  const t0 = performance.now();
  let task!: UploadTask;
  const done = new Promise<PageResult | { failed: string }>((resolve) => {
    task = window.HarmonyUploadTask.uploadFile({
      url,
      filePath: source,
      name: 'file',
      fileName: FILE_NAME,
      success: (res: UploadFileSuccessResult) =>
        resolve({ variant: 'library', ms: performance.now() - t0, status: res.statusCode, data: res.data }),
      fail: (err: UploadFileFailResult) => {
        resolveAborted(performance.now());
        resolve({ failed: err.errMsg });
      },
    });
    // A caller who wants progress, as the baseline does: it is what makes the XHR report upload progress.
    task.onProgressUpdate(noop);
  });
  return {
    variant: 'library',
    done,
    abort: () => {
      abortedAt = performance.now();
      task.abort();
    },
    aborted: aborted.then((at) => at - abortedAt),
  };
}

function startRaw(blob: Blob, url: string): Running {
  let abortedAt = 0;
  let resolveAborted: (at: number) => void = noop;
  const aborted = new Promise<number>((resolve) => (resolveAborted = resolve));
  const t0 = performance.now();
  const xhr = new XMLHttpRequest();
  const done = new Promise<PageResult | { failed: string }>((resolve) => {
    const form = new FormData();
    form.append('file', blob, FILE_NAME);
    xhr.open('POST', url, true);
    xhr.upload.onprogress = noop;
    xhr.onload = () =>
      resolve({ variant: 'raw', ms: performance.now() - t0, status: xhr.status, data: xhr.responseText });
    xhr.onerror = () => resolve({ failed: 'network error' });
    xhr.onabort = () => {
      resolveAborted(performance.now());
      resolve({ failed: 'abort' });
    };
    xhr.send(form);
  });
  return {
    variant: 'raw',
    done,
    abort: () => {
      abortedAt = performance.now();
      xhr.abort();
    },
    aborted: aborted.then((at) => at - abortedAt),
  };
}

function start(variant: Variant, key: string, url: string): number {
  const id = ++ids;
  running.set(id, variant === 'library' ? startLibrary(sourceOf(key), url) : startRaw(blobOf(key), url));
  return id;
}

function readByXhr(blobUrl: string): Promise<Blob> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('GET', blobUrl, true);
    xhr.responseType = 'blob';
    xhr.onload = () => resolve(xhr.response as Blob);
    xhr.onerror = () => reject(new Error(`GET ${blobUrl} failed`));
    xhr.send();
  });
}

function runningOf(id: number): Running {
  const r = running.get(id);
  if (!r) throw new Error(`no upload ${id}`);
  return r;
}

window.benchPage = {
  async load(key, url) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
    const blob = await response.blob();
    sources.set(key, blob);
    return blob.size;
  },
  blobUrl(key, urlKey, maker) {
    const blob = blobOf(key);
    const url = maker === 'page' ? URL.createObjectURL(blob) : window.createObjectURLBeforeLibrary(blob);
    sources.set(urlKey, url);
    return url;
  },
  drop(key) {
    const source = sources.get(key);
    if (typeof source === 'string') URL.revokeObjectURL(source);
    sources.delete(key);
  },
  async upload(variant, key, url) {
    const id = start(variant, key, url);
    const result = await runningOf(id).done;
    running.delete(id);
    if ('failed' in result) throw new Error(`${variant} upload failed: ${result.failed}`);
    return result;
  },
  async uploadReadByXhr(key, url) {
    const source = sourceOf(key);
    if (typeof source !== 'string') throw new Error(`${key} is a Blob, not a blob: URL`);
    const t0 = performance.now();
    const id = ++ids;
    running.set(id, startLibrary(await readByXhr(source), url));
    const result = await runningOf(id).done;
    running.delete(id);
    if ('failed' in result) throw new Error(`upload of the Blob read by XHR failed: ${result.failed}`);
    return { ...result, ms: performance.now() - t0 };
  },
  start,
  async settled(id) {
    const result = await runningOf(id).done;
    running.delete(id);
    return result;
  },
  async abort(id) {
    const r = runningOf(id);
    const abortAt = performance.timeOrigin + performance.now();
    r.abort();
    const toCallbackMs = await r.aborted;
    await r.done;
    running.delete(id);
    return { abortAt, toCallbackMs };
  },
  now: () => performance.timeOrigin + performance.now(),
  uploadNative(filePath, url) {
    let progressEvents = 0;
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      const task = window.HarmonyUploadTask.uploadFile({
        url,
        filePath,
        name: 'file',
        timeout: 10 * 60 * 1000,
        success: (res: UploadFileSuccessResult) =>
          resolve({
            variant: 'library',
            ms: performance.now() - t0,
            status: res.statusCode,
            data: res.data,
            progressEvents,
          }),
        fail: (err: UploadFileFailResult) => reject(new Error(err.errMsg)),
      });
      task.onProgressUpdate(() => {
        progressEvents++;
      });
    });
  },
  async readWhole(key) {
    held = await blobOf(key).arrayBuffer();
    return held.byteLength;
  },
  release() {
    held = undefined;
  },
};
