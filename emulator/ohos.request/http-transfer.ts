/**
 * One file sent in one HTTP request, as the request service's `upload_one_file` does it
 * (request_request `services/src/task/upload.rs`, ylong_http_client underneath), over real sockets.
 *
 * - The body is streamed from the open file: in multipart mode every request carries all form fields and
 *   then the one file part; otherwise the file is the raw body (docs/platform/ohos.request.md §1a, "How the body
 *   is sent"). Content-Length is computed up front; nothing is buffered beyond a stream chunk, whatever the file
 *   size.
 * - Redirects are followed inside the transfer, as ylong's client does (`Redirect::limited`): 307/308 re-send
 *   the same method, headers and the whole body (the body reader is rewound, `ReusableReader::reuse`);
 *   301/302/303 continue with GET, without body and without the content headers (ylong `redirect.rs`). Only
 *   the final response is reported (`notify_response` sees what `client.request` returns).
 * - A response body that breaks off counts as received up to there (`record_upload_response` stops reading
 *   on an error and keeps what it has).
 */
import {
  request as httpRequest,
  Agent as HttpAgent,
  STATUS_CODES,
  type ClientRequest,
  type IncomingMessage,
} from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import type { OpenedFile } from './paths';
import { errnoCode } from '../errors';
import { CONNECT_TIMEOUT_MS, openSockets, settings, trackSocket } from '../state';

/** Each upload on its own connection, closed with its task (`emulationStats().openSockets`). */
const httpAgent = new HttpAgent({ keepAlive: false });
const httpsAgent = new HttpsAgent({ keepAlive: false });

const FILE_CHUNK_BYTES = 64 * 1024;
/** The service follows redirects without limit (`Redirect::limited(usize::MAX)`); the emulation stops loops. */
export const MAX_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Headers ylong drops when a 301/302/303 turns the request into a GET (`UPDATED_HEADERS`). */
const CONTENT_HEADERS = new Set([
  'transfer-encoding',
  'content-encoding',
  'content-type',
  'content-length',
  'content-language',
  'content-location',
  'digest',
  'last-modified',
]);
/** Headers ylong drops when a redirect goes to another authority (`SENSITIVE_HEADERS`). */
const SENSITIVE_HEADERS = new Set(['authorization', 'cookie', 'cookie2', 'proxy-authorization', 'www-authenticate']);
/** Resolver errors: the connection failed on the name. */
const DNS_ERRORS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
/** Headers the transfer itself sets. */
const TRANSPORT_HEADERS = new Set(['content-length', 'transfer-encoding', 'host']);

export interface FormField {
  readonly name: string;
  readonly value: string;
}

export interface FilePart {
  readonly file: OpenedFile;
  /** First byte to send (`begins` for the file at `index`, else 0). */
  readonly start: number;
  /** Bytes to send. */
  readonly length: number;
  readonly fieldName: string;
  readonly filename: string;
  /** Content-Type of the part; '' writes no Content-Type line. */
  readonly contentType: string;
}

export interface TransferRequest {
  readonly url: string;
  readonly method: 'POST' | 'PUT';
  /** The task's headers with their names as given (the multipart rule looks for the exact key). */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly multipart: boolean;
  readonly fields: readonly FormField[];
  readonly part: FilePart;
  readonly redirect: boolean;
}

export interface ResponseInfo {
  /** e.g. "HTTP/1.1" */
  readonly version: string;
  readonly statusCode: number;
  /** The canonical reason phrase of the status, undefined for a status without one. */
  readonly reason: string | undefined;
  /** [name as sent, value] in arrival order. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
}

/** Why a transfer failed, in the terms of ylong's error kinds that `upload_one_file` distinguishes. */
export type FailureKind =
  /** The request could not be built (bad URL or header): `build_upload_request` returned nothing. */
  | 'build'
  /** No connection: the name did not resolve (ErrorKind::Connect, DNS). */
  | 'dns'
  /** No connection: refused, unreachable (ErrorKind::Connect, TCP). */
  | 'tcp'
  /** No connection: the TLS handshake failed (ErrorKind::Connect, TLS). */
  | 'tls'
  /** Connect timeout or total timeout: ErrorKind::Timeout. */
  | 'timeout'
  /** The connection failed while the body was being sent: ErrorKind::BodyTransfer. */
  | 'body'
  /** The connection closed, or the answer was not HTTP, after the body was sent: ErrorKind::Request. */
  | 'response'
  /** A redirect without usable Location, or too many: ErrorKind::Redirect. */
  | 'redirect'
  /** The file could not be read: an io::Error. */
  | 'file';

export type TransferOutcome =
  | { readonly kind: 'success'; readonly response: ResponseInfo; readonly body: Buffer }
  /** The final response was not 2xx; its body is not read (upload.rs fails before recording it). */
  | { readonly kind: 'status'; readonly response: ResponseInfo }
  | { readonly kind: 'failure'; readonly failure: FailureKind; readonly message: string }
  | { readonly kind: 'aborted' };

export interface TransferHooks {
  /** File bytes taken from the file for sending; not called again when a redirect re-sends the body. */
  onFileBytes(count: number): void;
  /** The final response's status line and headers, before its status is judged. */
  onResponse(response: ResponseInfo): void;
}

export interface TransferHandle {
  readonly outcome: Promise<TransferOutcome>;
  /** Destroys the connection; resolves once its socket has closed. The outcome becomes 'aborted'. */
  abort(): Promise<void>;
}

export function startTransfer(request: TransferRequest, hooks: TransferHooks): TransferHandle {
  const transfer = new Transfer(request, hooks);
  return { outcome: transfer.run(), abort: () => transfer.abort() };
}

/** Lower-cased names, repeated headers joined with ", " (the flat form of `headerReceive` and `extras`). */
export function flatHeaders(headers: ReadonlyArray<readonly [string, string]>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    flat[key] = key in flat ? `${flat[key]}, ${value}` : value;
  }
  return flat;
}

/** Lower-cased names to every value received (`HttpResponse.headers`). */
export function headerMap(headers: ReadonlyArray<readonly [string, string]>): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    const values = map.get(key);
    if (values === undefined) map.set(key, [value]);
    else values.push(value);
  }
  return map;
}

type HopOutcome =
  | TransferOutcome
  | { readonly kind: 'redirect'; readonly status: number; readonly location: string | undefined };

interface Hop {
  readonly url: URL;
  readonly method: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly withBody: boolean;
}

class FileReadError extends Error {}

class Transfer {
  private aborted = false;
  private abortCurrent: (() => Promise<void>) | undefined;
  private fileBytesCounted = false;
  private readonly deadline = Date.now() + settings.totalTimeoutMs;

  constructor(
    private readonly request: TransferRequest,
    private readonly hooks: TransferHooks,
  ) {}

  async run(): Promise<TransferOutcome> {
    let hop: Hop;
    try {
      hop = {
        url: new URL(this.request.url),
        method: this.request.method,
        headers: this.request.headers,
        withBody: true,
      };
    } catch {
      return { kind: 'failure', failure: 'build', message: `invalid url ${this.request.url}` };
    }
    for (let redirects = 0; ; redirects++) {
      const outcome = await this.send(hop);
      if (outcome.kind !== 'redirect') return outcome;
      if (redirects >= MAX_REDIRECTS) return { kind: 'failure', failure: 'redirect', message: 'too many redirects' };
      const next = nextHop(hop, outcome.status, outcome.location);
      if (next === undefined) {
        return { kind: 'failure', failure: 'redirect', message: `illegal location header: ${outcome.location}` };
      }
      hop = next;
    }
  }

  async abort(): Promise<void> {
    this.aborted = true;
    await this.abortCurrent?.();
  }

  /** One HTTP exchange. */
  private send(hop: Hop): Promise<HopOutcome> {
    if (this.aborted) return Promise.resolve({ kind: 'aborted' });
    const body = hop.withBody ? this.bodyOf() : undefined;
    const headers = outgoingHeaders(hop, this.request, body);
    const https = hop.url.protocol === 'https:';
    const options = { method: hop.method, headers, agent: https ? httpsAgent : httpAgent };
    let req: ClientRequest;
    try {
      req = https ? httpsRequest(hop.url, options) : httpRequest(hop.url, options);
    } catch (error) {
      // Node refuses what ylong's RequestBuilder refuses: invalid header names or values.
      return Promise.resolve({ kind: 'failure', failure: 'build', message: String(error) });
    }

    return new Promise<HopOutcome>((resolve) => {
      let socket: Socket | undefined;
      let tcpConnected = false;
      let connected = false;
      let bodySent = false;
      let response: IncomingMessage | undefined;
      let settled = false;
      let timedOut = false;
      /** Set while a 2xx body is being read: the deadline then ends the reading instead of the request. */
      let onDeadline: (() => void) | undefined;

      const settle = (outcome: HopOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(connectTimer);
        clearTimeout(totalTimer);
        this.abortCurrent = undefined;
        req.destroy();
        resolve(this.aborted ? { kind: 'aborted' } : outcome);
      };
      const fail = (error: unknown): void => {
        let failure: FailureKind;
        if (timedOut) failure = 'timeout';
        else if (error instanceof FileReadError) failure = 'file';
        else if (!tcpConnected) failure = DNS_ERRORS.has(errnoCode(error) ?? '') ? 'dns' : 'tcp';
        else if (!connected) failure = 'tls';
        else if (!bodySent) failure = 'body';
        else failure = 'response';
        settle({ kind: 'failure', failure, message: error instanceof Error ? error.message : String(error) });
      };
      const expire = (what: string): void => {
        timedOut = true;
        if (onDeadline !== undefined) onDeadline();
        else req.destroy(new Error(`${what} timed out`));
      };
      const connectTimer = setTimeout(() => expire('connect'), CONNECT_TIMEOUT_MS);
      const totalTimer = setTimeout(() => expire('request'), Math.max(0, this.deadline - Date.now()));
      connectTimer.unref();
      totalTimer.unref();

      this.abortCurrent = () =>
        new Promise<void>((done) => {
          if (socket === undefined || !openSockets.has(socket)) done();
          else socket.once('close', () => done());
          settle({ kind: 'aborted' });
        });

      req.on('socket', (s: Socket) => {
        socket = s;
        trackSocket(s);
        s.once('connect', () => {
          tcpConnected = true;
          if (!https) connected = true;
        });
        s.once('secureConnect', () => {
          connected = true;
        });
        s.once(https ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
      });
      req.on('error', fail);

      /** A redirect to follow, a success with its body, or a final status. */
      const judge = (res: IncomingMessage): void => {
        const status = res.statusCode ?? 0;
        if (this.request.redirect && REDIRECT_STATUSES.has(status)) {
          res.resume();
          settle({ kind: 'redirect', status, location: res.headers.location });
          return;
        }
        const info: ResponseInfo = {
          version: `HTTP/${res.httpVersion}`,
          statusCode: status,
          reason: STATUS_CODES[status],
          headers: pairs(res.rawHeaders),
        };
        this.hooks.onResponse(info);
        if (status < 200 || status > 299) {
          settle({ kind: 'status', response: info });
          return;
        }
        const chunks: Buffer[] = [];
        const done = (): void => settle({ kind: 'success', response: info, body: Buffer.concat(chunks) });
        onDeadline = done;
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', done);
        res.on('error', done);
        res.on('close', done);
      };
      req.on('response', (res: IncomingMessage) => {
        response = res;
        // ylong reads the answer only after the whole body was written (conn/http1.rs `request`).
        if (bodySent) judge(res);
      });

      const bodyFinished = (error: Error | null | undefined): void => {
        if (error) {
          fail(error);
          return;
        }
        bodySent = true;
        if (response !== undefined) judge(response);
      };
      if (body === undefined) {
        req.end(() => bodyFinished(null));
      } else {
        pipeline(
          Readable.from(body.chunks(), { objectMode: false, highWaterMark: FILE_CHUNK_BYTES }),
          req,
          bodyFinished,
        );
      }
    });
  }

  private bodyOf(): Body {
    const { part, fields, multipart } = this.request;
    const countBytes = !this.fileBytesCounted;
    this.fileBytesCounted = true;
    const onFileBytes = countBytes ? (n: number): void => this.hooks.onFileBytes(n) : (): void => undefined;
    if (!multipart) {
      return { contentType: undefined, length: part.length, chunks: () => fileChunks(part, onFileBytes) };
    }
    const boundary = `----OhosEmulationBoundary${randomBytes(12).toString('hex')}`;
    const fieldParts = fields.map(
      (field) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${quote(field.name)}"\r\n\r\n${field.value}\r\n`,
    );
    const fileHead =
      `--${boundary}\r\nContent-Disposition: form-data; name="${quote(part.fieldName)}"; filename="${quote(part.filename)}"\r\n` +
      (part.contentType === '' ? '' : `Content-Type: ${part.contentType}\r\n`) +
      '\r\n';
    const head = Buffer.from(fieldParts.join('') + fileHead, 'utf8');
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
    return {
      contentType: `multipart/form-data; boundary=${boundary}`,
      length: head.length + part.length + tail.length,
      chunks: async function* () {
        yield head;
        yield* fileChunks(part, onFileBytes);
        yield tail;
      },
    };
  }
}

interface Body {
  /** The multipart Content-Type, or undefined for a raw body. */
  readonly contentType: string | undefined;
  readonly length: number;
  chunks(): AsyncGenerator<Buffer>;
}

/** The file part's bytes, read chunk by chunk from the task's descriptor when the request wants more. */
async function* fileChunks(part: FilePart, onFileBytes: (count: number) => void): AsyncGenerator<Buffer> {
  let position = part.start;
  for (let left = part.length; left > 0; ) {
    const buffer = Buffer.allocUnsafe(Math.min(FILE_CHUNK_BYTES, left));
    let read: number;
    try {
      read = await part.file.read(buffer, position);
    } catch (error) {
      throw new FileReadError(`reading ${part.file.virtualPath} failed: ${String(error)}`);
    }
    if (read === 0) {
      throw new FileReadError(
        `${part.file.virtualPath} has ${part.length - left} of the ${part.length} bytes announced`,
      );
    }
    position += read;
    left -= read;
    onFileBytes(read);
    yield read === buffer.length ? buffer : buffer.subarray(0, read);
  }
}

function outgoingHeaders(hop: Hop, request: TransferRequest, body: Body | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  const set = (name: string, value: string): void => {
    for (const key of Object.keys(headers)) if (key.toLowerCase() === name.toLowerCase()) delete headers[key];
    headers[name] = value;
  };
  for (const [name, value] of hop.headers) {
    if (!TRANSPORT_HEADERS.has(name.toLowerCase())) set(name, value);
  }
  if (body === undefined) return headers;
  if (body.contentType !== undefined) {
    set('Content-Type', body.contentType);
  } else if (!request.headers.some(([name]) => name === 'Content-Type')) {
    // upload.rs `build_stream_request`: octet-stream unless the task has a "Content-Type" header.
    set('Content-Type', 'application/octet-stream');
  }
  set('Content-Length', String(body.length));
  return headers;
}

function nextHop(hop: Hop, status: number, location: string | undefined): Hop | undefined {
  if (location === undefined || location === '') return undefined;
  let url: URL;
  try {
    url = new URL(location, hop.url);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  let headers = hop.headers;
  let method = hop.method;
  let withBody = hop.withBody;
  if (status === 301 || status === 302 || status === 303) {
    headers = headers.filter(([name]) => !CONTENT_HEADERS.has(name.toLowerCase()));
    if (method !== 'GET' && method !== 'HEAD') method = 'GET';
    withBody = false;
  }
  if (url.host !== hop.url.host) headers = headers.filter(([name]) => !SENSITIVE_HEADERS.has(name.toLowerCase()));
  return { url, method, headers, withBody };
}

function pairs(raw: readonly string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i] as string, raw[i + 1] as string]);
  return out;
}

/** Quotes a multipart parameter value the way browsers do ('"' and line breaks percent-encoded). */
function quote(value: string): string {
  return value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
