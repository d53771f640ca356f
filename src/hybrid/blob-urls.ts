/**
 * The Blobs behind the blob: URLs this page makes, so that the page path can send a blob: URL's own Blob
 * instead of a copy read back through the URL.
 *
 * Why a record: no web API maps a blob: URL back to its Blob, and reading the URL copies. In Chromium,
 * `Response.blob()` and XHR's `responseType = 'blob'` both hand the response body's data pipe to the blob
 * registry (`BlobRegistry.RegisterFromStream`), which builds a second blob with every byte copied into the
 * browser's blob storage (third_party/blink/renderer/core/fetch/fetch_data_loader.cc, and
 * third_party/blink/renderer/platform/loader/fetch/resource_loader.cc for XHR). Only the code that makes a
 * URL has its Blob; so `URL.createObjectURL` is wrapped to record each Blob under the URL it gets, and
 * `URL.revokeObjectURL` to drop the entry.
 *
 * - Weakly: an entry is the URL and a WeakRef, so the record keeps no Blob alive. While a URL lives the
 *   browser keeps its bytes, but not the JS object: once the page holds no reference to the Blob (its own
 *   variable, an input's FileList, a picker's result), the object may be collected, and its URL is then
 *   read back as any other.
 * - An entry lasts until its URL is revoked through `URL.revokeObjectURL`. A URL never revoked holds all
 *   of its Blob's bytes in the browser until the page unloads, beside which the entry is nothing; a URL
 *   revoked where the wrapper does not see it (from another frame, or through a reference to the function
 *   taken before the library loaded) leaves its entry behind, and the page path finds it revoked all the
 *   same: it loads the URL before it sends the Blob (page-transport.ts).
 * - Once per page: the first copy of the library wraps the functions and leaves the record on
 *   `globalThis` under a registered symbol; later copies (a script tag beside a bundle, a module reloaded
 *   in development) use that record instead of wrapping again.
 * - Only where the page path can run (XMLHttpRequest and WeakRef exist) and `URL.createObjectURL` is
 *   there to wrap; if the functions cannot be replaced, there is no record and every blob: URL is read back.
 *
 * The wrappers call the functions they replace, with the same `this` and arguments, before anything else:
 * what the page gets (the URL, an exception, a MediaSource's URL) is what it got without the library.
 */
import { isBlob } from './sources';

/** ES2021's WeakRef, as far as it is used here (the web side is also type-checked against ES2020's lib). */
interface WeakBlob {
  deref(): Blob | undefined;
}

/** Chromium has had WeakRef since version 84; where it is missing there is no record. */
const WeakBlobRef = (globalThis as { WeakRef?: new (target: Blob) => WeakBlob }).WeakRef;

/** The record's shape is part of the key: a version of the library that changes it must change the key. */
const KEY = Symbol.for('harmony-upload-task/blob-urls/1');

type BlobUrls = Map<string, WeakBlob>;

function install(): BlobUrls | undefined {
  const scope = globalThis as typeof globalThis & { [KEY]?: BlobUrls };
  if (scope[KEY] || typeof XMLHttpRequest === 'undefined' || !WeakBlobRef) return scope[KEY];
  const { createObjectURL: create, revokeObjectURL: revoke } = URL;
  if (typeof create !== 'function') return undefined;
  const urls: BlobUrls = new Map();
  // revokeObjectURL first: if createObjectURL then cannot be replaced, nothing is ever recorded.
  try {
    URL.revokeObjectURL = function revokeObjectURL(this: unknown, ...args: [url: string]): void {
      revoke.apply(this, args);
      urls.delete(String(args[0]));
    };
    URL.createObjectURL = function createObjectURL(this: unknown, ...args: [object: Blob | MediaSource]): string {
      const url = create.apply(this, args);
      if (isBlob(args[0])) urls.set(url, new WeakBlobRef(args[0]));
      return url;
    };
  } catch {
    return undefined;
  }
  scope[KEY] = urls;
  return urls;
}

const record = install();

/**
 * The Blob `url` was made from, when this page made it with URL.createObjectURL after the library loaded
 * and the Blob object still exists; otherwise undefined. It says nothing about whether the URL was revoked.
 */
export function blobOfUrl(url: string): Blob | undefined {
  // Only blob: URLs: a long data: URL would be hashed for nothing.
  return /^blob:/i.test(url) ? record?.get(url)?.deref() : undefined;
}
