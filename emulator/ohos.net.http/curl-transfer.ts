/**
 * One `requestInStream` transfer as libcurl performs it for `@ohos.net.http` (curl 8.4 with the options
 * communication_netstack sets in `http_exec.cpp` `SetOption`: `CURLOPT_CUSTOMREQUEST` = the method,
 * `CURLOPT_FOLLOWLOCATION`, `CURLOPT_TIMEOUT_MS` = readTimeout, `CURLOPT_CONNECTTIMEOUT_MS` =
 * connectTimeout, `CURLOPT_MIMEPOST` for a form), over real sockets:
 *
 * - A form body is sent with its length (chunked when unknown) and, above 1 MiB or when its size is
 *   unknown, with `Expect: 100-continue`: the body waits for the interim `100 Continue` or 1 s
 *   (`EXPECT_100_THRESHOLD`, `expect_100_timeout`, curl `lib/http.c`, `lib/url.c`).
 * - Every header line of every response goes to the header callback, interim answers and redirect hops
 *   included; the body of a followed redirect does not reach the write callback. Body chunks are at most
 *   16 KiB (`CURL_MAX_WRITE_SIZE`). A callback that returns false fails the transfer with
 *   CURLE_WRITE_ERROR, as the module's writers returning 0 do.
 * - An error answer (status >= 300) that arrives while the body is still going out stops the sending; the
 *   answer is read and the connection closed (`http.c`, "HTTP error before end of send").
 * - Redirects are followed (at most 30, `maxredirs`): after a 301 or 302 to a POST, and after a 303, the
 *   request has no body any more but keeps its method (the custom request string) and its custom headers
 *   (`lib/transfer.c` `Curl_follow`, `Curl_http_method`); 307 and 308 send everything again. Authorization
 *   and Cookie headers go only to the first host.
 * - The upload counter starts at 0 with each request sent and grows by what is written to the socket, one
 *   send buffer (64 KiB) at a time; the progress callback sees it with the upload size (0 when unknown).
 * - `timeoutMs` bounds the whole transfer, `connectTimeoutMs` each connection until it is established
 *   (CURLE_OPERATION_TIMEDOUT for both); 0 is no limit.
 *
 * Not modelled: the connection cache (libcurl keeps idle connections for reuse; here each request has its
 * connection, closed at its end), proxies, HTTP/2, cookies across requests, custom Host, Content-Length
 * or Transfer-Encoding headers (they are not passed on), TLS options.
 */
import { Agent as HttpAgent, type ClientRequest, type IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP, type Socket } from 'node:net';
import { currentNetwork, watchNetwork } from '../app-state';
import { errnoCode } from '../errors';
import { trackSocket } from '../state';
import { Curl } from './errors';
import { type Mime, MimeReadError } from './mime';

const EXPECT_100_THRESHOLD = 1024 * 1024;
const EXPECT_100_TIMEOUT_MS = 1000;
const MAX_WRITE_BYTES = 16 * 1024;
const MAX_REDIRECTS = 30;
/** `MAX_HTTP_RESP_HEADER_SIZE`: beyond 300 KiB of response headers curl gives up (CURLE_RECV_ERROR). */
const MAX_HEADER_BYTES = 300 * 1024;
const DNS_ERRORS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const CERTIFICATE_ERRORS = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ALTNAME|HOSTNAME/;
/** Headers the transfer sets itself. */
const OWN_HEADERS = new Set(['host', 'content-length', 'transfer-encoding']);
const SENSITIVE_HEADERS = new Set(['authorization', 'cookie']);

const httpAgent = new HttpAgent({ keepAlive: false });
const httpsAgent = new HttpsAgent({ keepAlive: false });

export interface TransferSpec {
  readonly url: string;
  readonly method: string;
  /** Lower-cased names, in the order they are sent. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly mime: Mime | undefined;
  readonly timeoutMs: number;
  readonly connectTimeoutMs: number;
}

export interface TransferCallbacks {
  /** One header line with its CRLF (the empty line ends a block); false fails the transfer. */
  header(line: string): boolean;
  /** A chunk of the final response's body; false fails the transfer. */
  body(chunk: Buffer): boolean;
  /** Upload bytes sent so far, and the upload size (0 when unknown). */
  progress(sent: number, total: number): void;
}

export type TransferResult =
  | { readonly ok: true; readonly status: number }
  /** `code`: the libcurl result. */
  | { readonly ok: false; readonly code: number; readonly detail: string };

interface Hop {
  readonly url: URL;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly withBody: boolean;
}

export class CurlTransfer {
  readonly done: Promise<TransferResult>;
  private resolve!: (result: TransferResult) => void;
  private ended = false;
  private request: ClientRequest | undefined;
  private socket: Socket | undefined;
  private readonly timers: Array<ReturnType<typeof setTimeout>> = [];
  private readonly first: URL | undefined;
  private unwatchNetwork: (() => void) | undefined;

  constructor(
    private readonly spec: TransferSpec,
    private readonly callbacks: TransferCallbacks,
  ) {
    this.done = new Promise((resolve) => {
      this.resolve = resolve;
    });
    let url: URL | undefined;
    try {
      url = new URL(spec.url);
    } catch {
      url = undefined;
    }
    this.first = url;
  }

  start(): void {
    const first = this.first;
    if (first === undefined) {
      this.end({ ok: false, code: Curl.URL_MALFORMAT, detail: `bad URL ${this.spec.url}` });
      return;
    }
    // The device's network (app-state.ts): offline, no connection can be made; a connection under way breaks
    // (docs/platform/app-lifecycle.md, "The app's own HTTP").
    if (currentNetwork().type === 'none') {
      const literal = isIP(first.hostname.replace(/^\[|\]$/g, '')) !== 0;
      this.end({
        ok: false,
        code: literal ? Curl.COULDNT_CONNECT : Curl.COULDNT_RESOLVE_HOST,
        detail: 'the device is offline',
      });
      return;
    }
    this.unwatchNetwork = watchNetwork((network) => {
      if (network.type !== 'none') return;
      this.request?.destroy(Object.assign(new Error('the network went away'), { code: 'ENETDOWN' }));
    });
    if (this.spec.timeoutMs > 0) {
      this.timer(this.spec.timeoutMs, () =>
        this.end({ ok: false, code: Curl.OPERATION_TIMEDOUT, detail: 'transfer timeout' }),
      );
    }
    this.send({ url: first, headers: this.spec.headers, withBody: this.spec.mime !== undefined }, 0);
  }

  /** Stops at once, closing the connection; `done` never settles. */
  kill(): Promise<void> {
    this.ended = true;
    this.clearTimers();
    this.unwatchNetwork?.();
    const socket = this.socket;
    this.request?.destroy();
    if (socket === undefined || socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => socket.once('close', () => resolve()));
  }

  private end(result: TransferResult): void {
    if (this.ended) return;
    this.ended = true;
    this.clearTimers();
    this.unwatchNetwork?.();
    this.request?.destroy();
    this.resolve(result);
  }

  private timer(ms: number, fire: () => void): ReturnType<typeof setTimeout> {
    const t = setTimeout(fire, ms);
    this.timers.push(t);
    return t;
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.length = 0;
  }

  private send(hop: Hop, redirects: number): void {
    if (hop.url.protocol !== 'http:' && hop.url.protocol !== 'https:') {
      this.end({ ok: false, code: Curl.UNSUPPORTED_PROTOCOL, detail: `protocol ${hop.url.protocol}` });
      return;
    }
    const mime = hop.withBody ? this.spec.mime : undefined;
    const size = mime === undefined ? 0 : mime.size;
    const expect = mime !== undefined && (size > EXPECT_100_THRESHOLD || size < 0) && !hasHeader(hop.headers, 'expect');
    const headers = outgoing(hop, mime, size, expect);
    const https = hop.url.protocol === 'https:';
    let req: ClientRequest;
    try {
      req = (https ? httpsRequest : httpRequest)(hop.url, {
        method: this.spec.method,
        headers,
        agent: https ? httpsAgent : httpAgent,
        maxHeaderSize: MAX_HEADER_BYTES,
      });
    } catch (error) {
      this.end({ ok: false, code: Curl.URL_MALFORMAT, detail: String(error) });
      return;
    }
    this.request = req;
    const state = { connected: false, bodySent: mime === undefined, stopSending: false, answered: false };
    const connectTimer =
      this.spec.connectTimeoutMs > 0
        ? this.timer(this.spec.connectTimeoutMs, () =>
            this.end({ ok: false, code: Curl.OPERATION_TIMEDOUT, detail: 'connect timeout' }),
          )
        : undefined;

    req.on('socket', (socket: Socket) => {
      this.socket = socket;
      trackSocket(socket);
      socket.once(https ? 'secureConnect' : 'connect', () => {
        state.connected = true;
        clearTimeout(connectTimer);
      });
    });
    // Events of a request left behind by a redirect are not this transfer's any more.
    const current = (): boolean => this.request === req && !this.ended;
    req.on('error', (error: Error) => {
      if (current()) this.end(failureOf(error, state));
    });

    let startBody: (() => void) | undefined;
    req.on('information', (info) => {
      if (!current()) return;
      if (!this.headerBlock(`HTTP/${info.httpVersion} ${info.statusCode} ${info.statusMessage}`, info.rawHeaders))
        return;
      if (info.statusCode === 100) startBody?.();
    });
    req.on('response', (res: IncomingMessage) => {
      if (!current()) return;
      state.answered = true;
      const status = res.statusCode ?? 0;
      if (!this.headerBlock(`HTTP/${res.httpVersion} ${status} ${res.statusMessage ?? ''}`, res.rawHeaders)) return;
      if (status >= 300 && !state.bodySent) state.stopSending = true;
      const location = res.headers.location;
      if (status >= 300 && status < 400 && status !== 304 && location !== undefined && location !== '') {
        res.resume();
        res.once('end', () => this.follow(hop, status, location, redirects));
        res.once('aborted', () => this.end({ ok: false, code: Curl.RECV_ERROR, detail: 'redirect body broke off' }));
        return;
      }
      this.receive(res, status);
    });

    if (mime === undefined) {
      // No body: neither a length nor chunked encoding, as curl sends a request without one.
      req.useChunkedEncodingByDefault = false;
      req.end();
      return;
    }
    this.callbacks.progress(0, Math.max(size, 0));
    let started = false;
    startBody = () => {
      if (started) return;
      started = true;
      this.sendBody(req, mime, size, state).catch((error: unknown) =>
        this.end({ ok: false, code: Curl.SEND_ERROR, detail: String(error) }),
      );
    };
    if (expect) this.timer(EXPECT_100_TIMEOUT_MS, startBody);
    else startBody();
  }

  /** The header callback, line by line, for one block; false when a line was refused (the transfer ended). */
  private headerBlock(statusLine: string, raw: readonly string[]): boolean {
    const lines = [`${statusLine}\r\n`];
    for (let i = 0; i + 1 < raw.length; i += 2) lines.push(`${raw[i]}: ${raw[i + 1]}\r\n`);
    lines.push('\r\n');
    for (const line of lines) {
      if (this.ended) return false;
      if (!this.callbacks.header(line)) {
        this.end({ ok: false, code: Curl.WRITE_ERROR, detail: 'header callback refused' });
        return false;
      }
    }
    return true;
  }

  private async sendBody(
    req: ClientRequest,
    mime: Mime,
    size: number,
    state: { bodySent: boolean; stopSending: boolean },
  ): Promise<void> {
    let sent = 0;
    try {
      for await (const chunk of mime.chunks()) {
        if (this.ended || state.stopSending || req.destroyed) return;
        await write(req, chunk);
        sent += chunk.length;
        this.callbacks.progress(sent, Math.max(size, 0));
      }
    } catch (error) {
      if (error instanceof MimeReadError) this.end({ ok: false, code: Curl.READ_ERROR, detail: error.message });
      else throw error;
      return;
    }
    if (this.ended || state.stopSending) return;
    state.bodySent = true;
    // A file that ended early leaves the body shorter than announced: nothing more is sent, the server waits.
    if (size < 0 || sent === size) req.end();
  }

  private follow(hop: Hop, status: number, location: string, redirects: number): void {
    if (this.ended) return;
    if (redirects >= MAX_REDIRECTS) {
      this.end({ ok: false, code: Curl.TOO_MANY_REDIRECTS, detail: `${redirects} redirects` });
      return;
    }
    let url: URL;
    try {
      url = new URL(location, hop.url);
    } catch {
      this.end({ ok: false, code: Curl.URL_MALFORMAT, detail: `bad Location ${location}` });
      return;
    }
    this.request?.destroy();
    const withBody = hop.withBody && status !== 301 && status !== 302 && status !== 303;
    const first = this.first as URL;
    const sameHost = url.protocol === first.protocol && url.host === first.host;
    const headers = sameHost ? hop.headers : hop.headers.filter(([name]) => !SENSITIVE_HEADERS.has(name));
    this.send({ url, headers, withBody }, redirects + 1);
  }

  private receive(res: IncomingMessage, status: number): void {
    res.on('data', (chunk: Buffer) => {
      for (let at = 0; at < chunk.length && !this.ended; at += MAX_WRITE_BYTES) {
        if (!this.callbacks.body(chunk.subarray(at, at + MAX_WRITE_BYTES))) {
          this.end({ ok: false, code: Curl.WRITE_ERROR, detail: 'write callback refused' });
        }
      }
    });
    res.once('end', () => this.end({ ok: true, status }));
    res.once('aborted', () => this.end({ ok: false, code: Curl.PARTIAL_FILE, detail: 'the answer broke off' }));
    res.once('error', () => this.end({ ok: false, code: Curl.PARTIAL_FILE, detail: 'the answer broke off' }));
  }
}

/** Resolves when the chunk is written or the request can take no more (an error ends the transfer). */
function write(req: ClientRequest, chunk: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (req.write(chunk)) {
      resolve();
      return;
    }
    const done = (): void => {
      req.off('drain', done);
      req.off('close', done);
      resolve();
    };
    req.on('drain', done);
    req.on('close', done);
  });
}

function hasHeader(headers: ReadonlyArray<readonly [string, string]>, name: string): boolean {
  return headers.some(([n]) => n === name);
}

/** The request's headers: curl's Accept unless given, the custom ones, and the form's own. */
function outgoing(hop: Hop, mime: Mime | undefined, size: number, expect: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!hasHeader(hop.headers, 'accept')) headers.Accept = '*/*';
  for (const [name, value] of hop.headers) {
    if (OWN_HEADERS.has(name)) continue;
    // curl writes the form's Content-Type from the custom one, with the boundary appended.
    if (name === 'content-type' && mime !== undefined) continue;
    headers[name] = value;
  }
  if (mime === undefined) return headers;
  const given = hop.headers.find(([name]) => name === 'content-type')?.[1] ?? 'multipart/form-data';
  headers['Content-Type'] = `${given}; boundary=${mime.boundary}`;
  if (size >= 0) headers['Content-Length'] = String(size);
  else headers['Transfer-Encoding'] = 'chunked';
  if (expect) headers.Expect = '100-continue';
  return headers;
}

/** The libcurl result of a socket or parser error, by what the transfer had got to. */
function failureOf(error: Error, state: { connected: boolean; bodySent: boolean; answered: boolean }): TransferResult {
  const code = errnoCode(error) ?? '';
  const detail = error.message;
  if (DNS_ERRORS.has(code)) return { ok: false, code: Curl.COULDNT_RESOLVE_HOST, detail };
  if (code === 'HPE_HEADER_OVERFLOW') return { ok: false, code: Curl.RECV_ERROR, detail: 'Too large response headers' };
  if (code.startsWith('HPE_')) return { ok: false, code: Curl.WEIRD_SERVER_REPLY, detail };
  if (!state.connected) {
    if (CERTIFICATE_ERRORS.test(code)) return { ok: false, code: Curl.PEER_FAILED_VERIFICATION, detail };
    if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS'))
      return { ok: false, code: Curl.SSL_CONNECT_ERROR, detail };
    return { ok: false, code: Curl.COULDNT_CONNECT, detail };
  }
  if (state.answered) return { ok: false, code: Curl.PARTIAL_FILE, detail };
  // "socket hang up": the server closed the connection without a byte of answer.
  if (detail === 'socket hang up') return { ok: false, code: Curl.GOT_NOTHING, detail };
  return { ok: false, code: state.bodySent ? Curl.RECV_ERROR : Curl.SEND_ERROR, detail };
}
