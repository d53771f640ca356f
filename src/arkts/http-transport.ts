/**
 * Uploads with @ohos.net.http (API 11+): `requestInStream`, a multipart form of the text fields and the
 * file, which the platform's libcurl streams from disk in the app's own process. What it gives that the
 * @ohos.request engines do not: the status of every answer as sent (522, 499, 299 too) and the body of a
 * 4xx/5xx; the app's own network (a VPN, user-installed CA certificates); progress per send buffer.
 *
 * The platform's rules, each in docs/platform/ohos.net.http.md:
 * - the form is sent only with the request header `content-type: multipart/form-data`, without boundary;
 * - `filePath` streams the file unless `remoteFileName` is set (then OpenHarmony 5.0.0 to 7.0-Beta1 read it
 *   whole into native memory), so it is never set: the part's filename is the path's last segment, and a
 *   file that must travel under another name is uploaded from a copy of that name (staging.ts);
 * - `filePath` must be a sandbox path: a user file (a media URI) is uploaded from a copy too;
 * - a text field cannot be empty (the platform drops it): such an upload is refused, naming the field;
 * - `readTimeout` is the whole transfer's limit (60 s by default), so both timeouts are set just above the
 *   task's: the core's timeout ends the task, the platform's ends what it would leave running;
 * - `headersReceive` fires for every header block (`100 Continue`, each redirect hop) with all the headers
 *   so far and no status: the headers are dispatched when the final answer is known to have come, with its
 *   first body bytes or with the end of the request;
 * - `dataSendProgress` counts the whole request body in 32-bit numbers, once per send buffer;
 * - `destroy()` only marks the request: close() removes the listeners first, then destroys it. The platform
 *   goes on sending the body until the server answers or the timeout above ends it.
 */
import { http } from '@kit.NetworkKit';
import { baseName } from '../core/mime';
import type { UploadRequest } from '../core/options';
import type { Transport, TransportHandle, TransportSink } from '../core/transport';
import type { HeaderRecord } from '../core/types';
import { decodeUtf8 } from '../core/utf8';
import { openLocalFile } from './files';
import type { LocalFile } from './files';
import { reasonOfHttpError } from './http-errors';
import { failOnError, UploadFailure } from './platform-errors';
import { headersOfObject } from './responses';
import { stageFile } from './staging';
import type { StagedCopy } from './staging';
import type { ArkTsSource } from './types';

/** The one request header value for which the platform sends the form. */
const MULTIPART = 'multipart/form-data';
/** How much longer than the task the platform's own time limits are. */
export const TIMEOUT_GRACE_MS = 1000;
/** The longest file name the file system takes, in bytes. */
const MAX_NAME_BYTES = 255;
const UINT32 = 4294967296;
const GIB = 1073741824;

/** The part's filename libcurl writes for a file at `path`: its last segment, with `"` as %22. */
function partFileName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1).replace(/"/g, '%22');
}

function utf8Length(text: string): number {
  let n = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

/** Why a copy named `name` cannot be made, or undefined. */
function unusableAsFileName(name: string): string | undefined {
  if (name.includes('/') || name === '.' || name === '..' || utf8Length(name) > MAX_NAME_BYTES) {
    return `parameter error: parameter.fileName "${name}" cannot be sent by @ohos.net.http, which names the file part after the file: it must be a file name (no "/", not "." or "..", at most ${MAX_NAME_BYTES} bytes); or configure({ backend: 'agent' })`;
  }
  return undefined;
}

/**
 * What @ohos.net.http cannot send of this upload, or undefined. configure({ backend: 'auto' }) sends such an
 * upload with request.agent instead; with backend 'http' it fails with this reason.
 */
export function httpCannotSend(req: UploadRequest<ArkTsSource>): string | undefined {
  const empty = req.formData.find((f) => f.value === '');
  if (empty) {
    return `parameter error: parameter.formData["${empty.name}"] is empty, and @ohos.net.http cannot send an empty form field (it would drop it): send a value, leave the field out, or configure({ backend: 'agent' })`;
  }
  if (partFileName(baseName(req.source.filePath)) === req.fileName) return undefined;
  return unusableAsFileName(req.fileName);
}

/**
 * The file bytes sent, from `dataSendProgress`: the platform counts the whole multipart body (fields, part
 * headers, boundaries) in unsigned 32-bit numbers. The body's overhead is what its size has beyond the
 * file's (modulo 2^32: it is far below 4 GiB), and a count that falls from above 3 GiB to below 1 GiB has
 * passed 4 GiB; any other fall is the body sent again (a 307/308 redirect).
 */
export class SendProgress {
  private last = 0;
  private wraps = 0;

  constructor(private readonly fileSize: number) {}

  fileBytes(sendSize: number, totalSize: number): number {
    if (sendSize < this.last) {
      if (this.last >= 3 * GIB && sendSize < GIB) this.wraps++;
      else this.wraps = 0;
    }
    this.last = sendSize;
    const overhead = (((totalSize - this.fileSize) % UINT32) + UINT32) % UINT32;
    const sent = this.wraps * UINT32 + sendSize - overhead;
    return Math.min(this.fileSize, Math.max(0, sent));
  }
}

function concat(chunks: ArrayBuffer[]): ArrayBuffer {
  if (chunks.length === 1) return chunks[0];
  let size = 0;
  for (const c of chunks) size += c.byteLength;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(new Uint8Array(c), at);
    at += c.byteLength;
  }
  return out.buffer;
}

class HttpUpload implements TransportHandle {
  private closed = false;
  private request: http.HttpRequest | undefined;
  private copy: StagedCopy | undefined;
  private file: LocalFile | undefined;
  private progress: SendProgress | undefined;
  /** The latest header block's map: all headers of all blocks so far. */
  private header: HeaderRecord = {};
  private headersDispatched = false;
  /** A response has begun (a header block with headers, or body bytes): no retry after this. */
  private answered = false;
  private readonly body: ArrayBuffer[] = [];
  /** Settles when the platform's request does, whatever ended the upload. */
  private transfer: Promise<void> | undefined;
  private transferEnded = false;

  constructor(
    private readonly req: UploadRequest<ArkTsSource>,
    private readonly sink: TransportSink,
  ) {}

  async run(): Promise<void> {
    const refused = httpCannotSend(this.req);
    if (refused) throw new UploadFailure(refused);
    const { filePath, context } = this.req.source;
    const file = await openLocalFile(filePath, context);
    this.file = file;
    // Closed (aborted, timed out) while looking: no copy, no request.
    if (this.closed) return;
    let path = file.path;
    if (file.userFile || partFileName(file.path) !== this.req.fileName) {
      const problem = unusableAsFileName(this.req.fileName);
      if (problem) throw new UploadFailure(problem);
      const copy = await stageFile(context, file, this.req.fileName, () => !this.closed);
      if (!copy) return;
      // Closed in the moments since the copy was made: it is deleted, and nothing is sent.
      if (this.closed) {
        copy.release();
        return;
      }
      // The copy belongs to this upload from now on; close() deletes it.
      this.copy = copy;
      path = copy.path;
    }
    this.progress = new SendProgress(file.size);
    const request = http.createHttp();
    this.request = request;
    request.on('headersReceive', (header) => this.onHeaders(header));
    request.on('dataReceive', (chunk: ArrayBuffer) => this.onData(chunk));
    request.on('dataSendProgress', (p: http.DataSendProgressInfo) => this.onProgress(p));
    // Unsigned 32-bit milliseconds: the task's timeout is at most 2^31 - 1, so the sum fits.
    const limit = this.req.timeout + TIMEOUT_GRACE_MS;
    const options: http.HttpRequestOptions = {
      method: http.RequestMethod.POST,
      header: { ...this.req.header, 'content-type': MULTIPART },
      multiFormDataList: [
        ...this.req.formData.map((f): http.MultiFormData => ({ name: f.name, contentType: '', data: f.value })),
        { name: this.req.name, contentType: this.req.contentType, filePath: path },
      ],
      readTimeout: limit,
      connectTimeout: limit,
    };
    this.transfer = request.requestInStream(this.req.url, options).then(
      (status: number) => {
        this.transferEnded = true;
        this.onDone(status);
      },
      (err: unknown) => {
        this.transferEnded = true;
        this.onError(err);
      },
    );
  }

  private onHeaders(header: unknown): void {
    this.header = headersOfObject(header as Record<string, unknown>);
    // An interim `100 Continue` block is empty; any other block is an answer (a redirect hop, the final one).
    if (Object.keys(this.header).length > 0) this.answered = true;
  }

  private onData(chunk: ArrayBuffer): void {
    // Body bytes come only from the final answer (those of followed redirects are not delivered).
    this.answered = true;
    this.dispatchHeaders();
    this.body.push(chunk);
  }

  private onProgress(p: http.DataSendProgressInfo): void {
    const file = this.file;
    if (file && this.progress) this.sink.progress(this.progress.fileBytes(p.sendSize, p.totalSize), file.size);
  }

  private dispatchHeaders(): void {
    if (this.headersDispatched) return;
    this.headersDispatched = true;
    this.sink.headers(this.header);
  }

  private onDone(status: number): void {
    if (this.closed) return;
    const size = this.file ? this.file.size : 0;
    this.dispatchHeaders();
    this.sink.success({
      statusCode: status,
      header: this.header,
      data: decodeUtf8(concat(this.body)),
      totalBytes: size,
    });
  }

  private onError(err: unknown): void {
    if (this.closed) return;
    const failure = reasonOfHttpError(err, this.answered);
    this.sink.fail(failure.message, failure.retryable);
  }

  /** A promise while the platform still sends: destroy() does not stop a request's body (see above). */
  close(): void | Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const request = this.request;
    this.request = undefined;
    if (request) {
      // Whatever the outcome. A destroyed request still calls its listeners: they go first.
      request.off('headersReceive');
      request.off('dataReceive');
      request.off('dataSendProgress');
      request.destroy();
    }
    this.copy?.release();
    this.copy = undefined;
    if (this.transfer && !this.transferEnded) return this.transfer;
  }
}

export const httpTransport: Transport<ArkTsSource> = {
  start(req, sink) {
    const upload = new HttpUpload(req, sink);
    failOnError(upload.run(), sink);
    return upload;
  },
};
