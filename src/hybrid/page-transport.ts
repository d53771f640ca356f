/**
 * The page path: web data (a Blob or File, a `blob:` or `data:` URL) uploaded from the page itself with
 * XMLHttpRequest, as `multipart/form-data` built by FormData.
 *
 * - XHR rather than fetch: fetch has no upload progress.
 * - Several files (`files`) are parts of the one FormData, in their order; each blob: or data: URL among
 *   them is read first, one after the other, and the request is sent once all are Blobs.
 * - The file is never read into JS memory: a Blob goes into FormData as it is (re-typed with slice, which
 *   copies nothing). A blob: URL made by this page after the library loaded is sent as the Blob it was made
 *   from, once a fetch of the URL shows it was not revoked (blob-urls.ts); any other blob: or data: URL
 *   becomes a Blob with fetch().blob(), which copies the bytes inside the browser, not into JS.
 * - The core owns the timeout: `xhr.timeout` is not used; the core calls close(), which aborts.
 * - Redirects are followed by the browser without telling the page: the headers, status and body are
 *   those of the final response (301/302/303 turn the POST into a GET without a body, as browsers do).
 * - Headers the browser forbids a page to set (Cookie, Host, Content-Length, ...) are dropped: some
 *   browsers throw from setRequestHeader, others ignore them with a console message.
 */
import { describeThrown, shorten } from '../core/errors';
import { partFailure } from '../core/options';
import type { UploadRequest } from '../core/options';
import type { Transport, TransportHandle, TransportSink } from '../core/transport';
import type { HeaderRecord } from '../core/types';
import { blobOfUrl } from './blob-urls';
import { isBlob } from './sources';
import type { HybridSource } from './types';

/** XMLHttpRequest.readyState values (the constants are not on every XHR double). */
const HEADERS_RECEIVED = 2;
const DONE = 4;

const NETWORK_ERROR_BEFORE_RESPONSE =
  'network error: the request failed before any response (connection refused or reset, name not resolved, ' +
  "blocked as mixed content, or refused by the server's CORS policy; the browser does not say which)";
const NETWORK_ERROR_AFTER_RESPONSE = 'network error: the connection failed while the response was being received';
const NO_STATUS = 'network error: the response has no HTTP status';
const CANCELLED = 'network error: the browser cancelled the request (the page stopped or navigated away)';

/**
 * `getAllResponseHeaders()` as a record: names lower-cased, repeated names joined with ', ' (browsers
 * already do both; this does not rely on it).
 */
export function parseResponseHeaders(text: string): HeaderRecord {
  const header: HeaderRecord = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    // biome-ignore lint/suspicious/noPrototypeBuiltins: Object.hasOwn is ES2022, and the library targets ES2021
    header[name] = Object.prototype.hasOwnProperty.call(header, name) ? `${header[name]}, ${value}` : value;
  }
  return header;
}

/**
 * Why a data: URL cannot be read, in words, for the URLs fetch refuses (it only says "Failed to fetch").
 * Follows the Fetch standard's data: URL processor: a comma is required, and base64 data must decode.
 */
export function dataUrlProblem(url: string): string {
  const comma = url.indexOf(',');
  if (comma < 0) return 'it has no comma between the media type and the data';
  if (/;\s*base64\s*$/i.test(url.slice(5, comma))) return 'its data is not valid base64';
  return 'the browser could not read it';
}

/** File bytes sent, from XHR's body bytes (which include the multipart framing and the fields). */
export function fileBytesSent(loaded: number, total: number, size: number): number {
  if (!(total > 0)) return 0;
  // min(): with very large numbers the division may round up past the file's size.
  return Math.min(size, Math.floor((loaded * size) / total));
}

function isAbortError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'AbortError';
}

class PageUpload implements TransportHandle {
  private closed = false;
  private fetching: AbortController | undefined;
  private xhr: XMLHttpRequest | undefined;
  /** A response (status line and headers) has arrived: a failure from now on is not retryable. */
  private responseStarted = false;
  private header: HeaderRecord = {};

  constructor(
    private readonly req: UploadRequest<HybridSource>,
    private readonly sink: TransportSink,
  ) {}

  start(): void {
    const sources = this.req.files.map((part) => part.source);
    // Blobs only: sent at once (the core starts this a microtask after uploadFile()).
    if (sources.every(isBlob)) this.send(sources);
    else this.readThenSend(sources, [], 0);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.fetching?.abort();
    this.fetching = undefined;
    const xhr = this.xhr;
    this.xhr = undefined;
    if (!xhr) return;
    detach(xhr);
    // Aborting a running XHR closes its connection: the server sees the upload end.
    if (xhr.readyState !== DONE) xhr.abort();
  }

  /**
   * The sources from `index` on become Blobs, in order, then all are sent: a blob: or data: URL is read
   * first; close() while that is pending cancels it. `blobs` holds those of the sources before `index`.
   */
  private readThenSend(sources: HybridSource[], blobs: Blob[], index: number): void {
    if (this.closed) return;
    if (index === sources.length) {
      this.fetching = undefined;
      this.send(blobs);
      return;
    }
    const source = sources[index];
    if (isBlob(source)) {
      this.readThenSend(sources, [...blobs, source], index + 1);
      return;
    }
    this.fetchBlob(source).then(
      (blob) => this.readThenSend(sources, [...blobs, blob], index + 1),
      (err: unknown) => {
        if (this.closed || isAbortError(err)) return;
        this.fetching = undefined;
        this.sink.fail(partFailure(this.req, index, this.unreadableSource(source)));
      },
    );
  }

  /**
   * The Blob of a blob: or data: URL. The fetch also tells whether a recorded blob: URL still resolves:
   * then its body (the same bytes) is not read.
   */
  private fetchBlob(url: string): Promise<Blob> {
    const made = blobOfUrl(url);
    const controller = new AbortController();
    this.fetching = controller;
    return fetch(url, { signal: controller.signal }).then((response) => {
      if (!response.ok) throw new Error(`status ${response.status}`);
      if (made && response.headers.get('content-length') === String(made.size)) {
        controller.abort();
        return made;
      }
      return response.blob();
    });
  }

  private unreadableSource(url: string): string {
    // A blob: URL that does not resolve was revoked, or belongs to another page: the file is gone.
    if (/^blob:/i.test(url)) return `file not found: ${url}`;
    return `invalid data: URL "${shorten(url)}": ${dataUrlProblem(url)}`;
  }

  /** Sends the form: the fields, then a part for each file (`blobs[i]` of `req.files[i]`). */
  private send(blobs: Blob[]): void {
    const { req, sink } = this;
    let size = 0;
    const form = new FormData();
    for (const field of req.formData) form.append(field.name, field.value);
    req.files.forEach((part, i) => {
      const blob = blobs[i];
      size += blob.size;
      // slice() re-types the part without copying: the part's Content-Type is the library's, from fileName.
      form.append(part.name, blob.slice(0, blob.size, part.contentType), part.fileName);
    });

    const xhr = new XMLHttpRequest();
    this.xhr = xhr;
    try {
      xhr.open('POST', req.url, true);
      xhr.withCredentials = req.withCredentials;
      this.setHeaders(xhr);
    } catch (err) {
      this.xhr = undefined;
      sink.fail(`invalid url: ${describeThrown(err)}`);
      return;
    }
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) sink.progress(fileBytesSent(e.loaded, e.total, size), size);
    };
    xhr.onreadystatechange = () => {
      if (xhr.readyState !== HEADERS_RECEIVED) return;
      this.responseStarted = true;
      this.header = parseResponseHeaders(xhr.getAllResponseHeaders());
      sink.headers(this.header);
    };
    xhr.onload = () => this.onLoad(xhr, size);
    xhr.onerror = () =>
      sink.fail(
        this.responseStarted ? NETWORK_ERROR_AFTER_RESPONSE : NETWORK_ERROR_BEFORE_RESPONSE,
        !this.responseStarted,
      );
    // Only close() aborts, and it removes this handler first: an abort seen here came from the browser.
    xhr.onabort = () => sink.fail(CANCELLED, !this.responseStarted);
    xhr.send(form);
  }

  private setHeaders(xhr: XMLHttpRequest): void {
    for (const [name, value] of Object.entries(this.req.header)) {
      try {
        xhr.setRequestHeader(name, value);
      } catch {
        // A header the browser forbids (Cookie, Host, ...): some browsers throw, the others drop it.
      }
    }
  }

  private onLoad(xhr: XMLHttpRequest, size: number): void {
    if (xhr.status === 0) {
      this.sink.fail(NO_STATUS, !this.responseStarted);
      return;
    }
    // 4xx/5xx are successes with their status, as on the mini-program platforms.
    const header = this.responseStarted ? this.header : parseResponseHeaders(xhr.getAllResponseHeaders());
    this.sink.success({ statusCode: xhr.status, header, data: xhr.responseText, totalBytes: size });
  }
}

function detach(xhr: XMLHttpRequest): void {
  xhr.upload.onprogress = null;
  xhr.onreadystatechange = null;
  xhr.onload = null;
  xhr.onerror = null;
  xhr.onabort = null;
}

export const pageTransport: Transport<HybridSource> = {
  start(req, sink) {
    const upload = new PageUpload(req, sink);
    upload.start();
    return upload;
  },
};
