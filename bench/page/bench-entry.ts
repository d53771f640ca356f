/**
 * The benchmark page's own script (bundled by esbuild into an IIFE at run time). It does not import the
 * library: the page loads the real build, dist/hybrid/harmony-upload-task.iife.js, as window.HarmonyUploadTask,
 * and this script drives it next to the baseline, a hand-written XMLHttpRequest + FormData upload.
 *
 * Files are Blobs made by fetch().blob() from a local static route: Chromium keeps their bytes in its
 * blob storage, outside the JS heap, so the heap figures show only what an upload itself allocates.
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

export interface BenchPageApi {
  /** Fetches url into a Blob kept under key; resolves with its size. */
  load(key: string, url: string): Promise<number>;
  drop(key: string): void;
  /** One upload of the Blob under key, awaited. */
  upload(variant: Variant, key: string, url: string): Promise<PageResult>;
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
  }
}

const FILE_NAME = 'upload.bin';
const blobs = new Map<string, Blob>();
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

function blobOf(key: string): Blob {
  const blob = blobs.get(key);
  if (!blob) throw new Error(`no Blob loaded as ${key}`);
  return blob;
}

const noop = (): void => undefined;

function startLibrary(blob: Blob, url: string): Running {
  let abortedAt = 0;
  let resolveAborted: (at: number) => void = noop;
  const aborted = new Promise<number>((resolve) => (resolveAborted = resolve));
  const t0 = performance.now();
  let task!: UploadTask;
  const done = new Promise<PageResult | { failed: string }>((resolve) => {
    task = window.HarmonyUploadTask.uploadFile({
      url,
      filePath: blob,
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
  const blob = blobOf(key);
  const id = ++ids;
  running.set(id, variant === 'library' ? startLibrary(blob, url) : startRaw(blob, url));
  return id;
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
    blobs.set(key, blob);
    return blob.size;
  },
  drop(key) {
    blobs.delete(key);
  },
  async upload(variant, key, url) {
    const id = start(variant, key, url);
    const result = await runningOf(id).done;
    running.delete(id);
    if ('failed' in result) throw new Error(`${variant} upload failed: ${result.failed}`);
    return result;
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
