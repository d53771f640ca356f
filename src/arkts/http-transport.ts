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
 * - the list takes any number of file parts: the files of `files` go in it in their order, each from
 *   its own path (or copy), in the one request;
 * - a text field cannot be empty (the platform drops it): such an upload is refused, naming the field;
 * - `readTimeout` is the whole transfer's limit (60 s by default), so both timeouts are set just above the
 *   task's: the core's timeout ends the task, the platform's ends what it would leave running;
 * - `headersReceive` fires for every header block (`100 Continue`, each redirect hop) with all the headers
 *   so far and no status: the headers are dispatched when the final answer is known to have come, with its
 *   first body bytes or with the end of the request;
 * - `dataSendProgress` counts the whole request body in 32-bit numbers, once per send buffer (every file
 *   and the framing together);
 * - `destroy()` only marks the request: close() removes the listeners first, then destroys it. The platform
 *   goes on sending the body until the server answers or the timeout above ends it.
 */
import { http } from '@kit.NetworkKit';
import { baseName } from '../core/mime';
import type { UploadRequest } from '../core/options';
import type { Transport, TransportHandle, TransportSink } from '../core/transport';
import type { HeaderRecord } from '../core/types';
import { decodeUtf8 } from '../core/utf8';
import { openFilePart, partError } from './files';
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

/** The option that names the file of part `index`: `fileName`, or `files[2].fileName`. */
function fileNameOption(req: UploadRequest<ArkTsSource>, index: number): string {
  return req.form === 'files' ? `files[${index}].fileName` : 'fileName';
}

/** request.agent sends what @ohos.net.http cannot, but only one file: not several in one request (upload.ts). */
function agentCanSend(req: UploadRequest<ArkTsSource>): boolean {
  return req.files.length === 1;
}

/** Why a copy named after part `index`'s fileName cannot be made, or undefined. */
function unusableAsFileName(req: UploadRequest<ArkTsSource>, index: number): string | undefined {
  const name = req.files[index].fileName;
  if (name.includes('/') || name === '.' || name === '..' || utf8Length(name) > MAX_NAME_BYTES) {
    return `parameter error: parameter.${fileNameOption(req, index)} "${name}" cannot be sent by @ohos.net.http, which names the file part after the file: it must be a file name (no "/", not "." or "..", at most ${MAX_NAME_BYTES} bytes)${agentCanSend(req) ? "; or configure({ backend: 'agent' })" : ''}`;
  }
  return undefined;
}

/**
 * What @ohos.net.http cannot send of this upload, or undefined. configure({ backend: 'auto' }) sends such an
 * upload of one file with request.agent instead; with backend 'http', or with several files, it fails
 * with this reason.
 */
export function httpCannotSend(req: UploadRequest<ArkTsSource>): string | undefined {
  const empty = req.formData.find((f) => f.value === '');
  if (empty) {
    const instead = agentCanSend(req)
      ? ", leave the field out, or configure({ backend: 'agent' })"
      : ' or leave the field out';
    return `parameter error: parameter.formData["${empty.name}"] is empty, and @ohos.net.http cannot send an empty form field (it would drop it): send a value${instead}`;
  }
  for (let i = 0; i < req.files.length; i++) {
    const part = req.files[i];
    if (partFileName(baseName(part.source.filePath)) === part.fileName) continue;
    const problem = unusableAsFileName(req, i);
    if (problem) return problem;
  }
  return undefined;
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
  /** The temporary copies this upload sends from; close() deletes them. */
  private copies: StagedCopy[] = [];
  /** The files' size together, once every file is found. */
  private size = 0;
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
    // Every file is found before anything is copied or sent: a bad entry fails the upload, naming it.
    const files: LocalFile[] = [];
    for (let i = 0; i < this.req.files.length; i++) {
      files.push(await openFilePart(this.req, i));
      // Closed (aborted, timed out) while looking: no copy, no request.
      if (this.closed) return;
    }
    const paths: string[] = [];
    for (let i = 0; i < files.length; i++) {
      const path = await this.sendablePath(files[i], i);
      if (path === undefined) return;
      paths.push(path);
    }
    // Closed in the moments since the last file was found or copied: nothing is sent (close() deleted the copies).
    if (this.closed) return;
    this.size = files.reduce((sum, f) => sum + f.size, 0);
    this.progress = new SendProgress(this.size);
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
        ...this.req.files.map(
          (p, i): http.MultiFormData => ({ name: p.name, contentType: p.contentType, filePath: paths[i] }),
        ),
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

  /**
   * The path to send part `index` from: the file's own, or a copy named after the part's fileName (a user
   * file, or a file of another name). undefined: the upload was closed meanwhile, and any copy deleted.
   */
  private async sendablePath(file: LocalFile, index: number): Promise<string | undefined> {
    const fileName = this.req.files[index].fileName;
    if (!file.userFile && partFileName(file.path) === fileName) return file.path;
    const problem = unusableAsFileName(this.req, index);
    if (problem) throw new UploadFailure(problem);
    let copy: StagedCopy | undefined;
    try {
      copy = await stageFile(this.req.files[index].source.context, file, fileName, () => !this.closed);
    } catch (err) {
      throw partError(this.req, index, err);
    }
    if (!copy) return undefined;
    // Closed in the moments since the copy was made: it is deleted, and nothing is sent.
    if (this.closed) {
      copy.release();
      return undefined;
    }
    // The copy belongs to this upload from now on; close() deletes it.
    this.copies.push(copy);
    return copy.path;
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
    if (this.progress) this.sink.progress(this.progress.fileBytes(p.sendSize, p.totalSize), this.size);
  }

  private dispatchHeaders(): void {
    if (this.headersDispatched) return;
    this.headersDispatched = true;
    this.sink.headers(this.header);
  }

  private onDone(status: number): void {
    if (this.closed) return;
    this.dispatchHeaders();
    this.sink.success({
      statusCode: status,
      header: this.header,
      data: decodeUtf8(concat(this.body)),
      totalBytes: this.size,
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
    for (const copy of this.copies) copy.release();
    this.copies = [];
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
