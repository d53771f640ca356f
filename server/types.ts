/**
 * The contract of the local upload server (test infrastructure and the demo's server).
 * Behaviour per request is chosen with query parameters on the upload URL, so that every client
 * (the @ohos.request emulation, XMLHttpRequest in Chromium, the demo) can ask for the same faults.
 *
 * Query parameters of `POST|PUT /upload` (all optional, combinable):
 *   id=<text>              tag of the request; records are found by it
 *   status=<100..599>      status of the answer (default 200)
 *   body=<text>            answer with this text instead of the JSON summary
 *   bodyB64=<base64>       answer with these bytes (e.g. invalid UTF-8)
 *   delayHeadersMs=<n>     wait n ms after the request body was read before answering
 *   delayBodyMs=<n>        after the status and headers, wait n ms before the body
 *   largeHeadersBytes=<n>  add response headers X-Filler-<i> totalling about n bytes
 *   readBps=<n>            read the request body at about n bytes per second
 *   stallAfter=<n>         stop reading after n body bytes and never answer (0 = at once)
 *   resetAfter=<n>         after n body bytes, reset the connection (TCP RST)
 *   holdAfter=<n>          after n body bytes, stop reading until `release(id)`: the upload goes on when
 *                          the test says so, not after some time (once an id is released, its
 *                          requests do not wait there any more)
 *   closeEarly=1           close the connection before reading any of the body, without answering
 *   closeAfterBody=1       read the whole body, then close the connection without answering
 *   respondEarly=1         answer (status, default 413) before reading the body, then close
 *   neverEnd=1             send status, headers and part of the body, then never finish
 *   redirect=<301|302|303|307|308>  answer with that redirect to `to` (default /upload without redirect)
 *   to=<path or URL>       target of redirect
 *   header.<Name>=<value>  add a response header
 *   faultTimes=<n>         the faults above (and status, body, redirect) apply only to the first n
 *                          requests with the same id; later ones are normal uploads (retry tests)
 *   credentials=1          answer CORS (preflight and upload) for a request with credentials: the request's
 *                          Origin instead of `*`, and Access-Control-Allow-Credentials: true
 *
 * The JSON summary (the default answer) is `UploadSummary`.
 */

export interface ReceivedFile {
  field: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
}

export interface UploadSummary {
  method: string;
  fields: Record<string, string>;
  files: ReceivedFile[];
  /** Set when the body was not multipart: its size and sha256. */
  raw?: { size: number; sha256: string; contentType: string };
}

export interface UploadRecord {
  /** The `id` query parameter, or a generated one. */
  id: string;
  method: string;
  /** The request URL (path and query). */
  url: string;
  /** Request headers, names lower-cased. */
  headers: Record<string, string | string[] | undefined>;
  startedAt: number;
  /** Request body bytes read so far. */
  bytesReceived: number;
  /** The request body was read to its end and parsed. */
  bodyComplete: boolean;
  /** The answer was sent completely. */
  responded: boolean;
  /** The status sent, once sent. */
  status?: number;
  /** The client's connection closed before the answer was complete (an abort, as the server sees it). */
  clientAborted: boolean;
  /** When the connection of this request closed (ms since epoch), once closed. */
  closedAt?: number;
  /**
   * When this request ended: its answer was sent, or its connection closed, whichever came first.
   * Clients that keep connections alive (browsers) close them much later than the request ends.
   */
  endedAt?: number;
  summary?: UploadSummary;
}

export interface UploadServer {
  /** e.g. http://127.0.0.1:43123 */
  readonly origin: string;
  /** origin + '/upload' */
  readonly uploadUrl: string;
  readonly records: readonly UploadRecord[];
  /** Resolves with the first record (present or future) that satisfies the predicate. */
  waitFor(predicate: (record: UploadRecord) => boolean, timeoutMs?: number): Promise<UploadRecord>;
  /** Records of the given id. */
  byId(id: string): UploadRecord[];
  /** Sockets currently open to the server. */
  openSockets(): number;
  /**
   * Lets the requests of this id that wait at their `holdAfter` point go on, and those that come later
   * read through it.
   */
  release(id: string): void;
  /** Forgets the records. */
  clearRecords(): void;
  close(): Promise<void>;
}

export interface UploadServerOptions {
  host?: string;
  port?: number;
  /** Files served at GET /<path> (the demo page, scripts); nothing when absent. */
  staticDir?: string;
  /** Extra static routes: URL path to file path. */
  staticFiles?: Record<string, string>;
}
