/**
 * The two small servers of the page tests, beside the upload server (server/):
 * - the page host serves the test page and the bytes of generated files, on its own origin, so that every
 *   upload is cross-origin as in an ArkWeb app (CORS preflights, exposed headers) and the upload server
 *   only ever sees uploads; and a signed-in site of its own, for uploads to the page's own origin that a
 *   session cookie decides (`/session/...`, below);
 * - the fault server answers in ways the upload server does not: without CORS, or by cutting the
 *   connection after the response headers.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSink } from './body-sinks';
import type { UploadSummary } from './types';

export interface StaticRoute {
  contentType: string;
  body: string | Buffer;
}

/** An upload the page host's signed-in site received. */
export interface SessionUpload {
  /** The `id` query parameter of the upload URL. */
  id: string;
  /** The request's Cookie header, if it had one. */
  cookie: string | undefined;
  /** 200 with the session cookie, 401 without. */
  status: number;
  /** What arrived (busboy, as the upload server summarises it). */
  summary: UploadSummary | undefined;
  /** The cookie the answer set (`receipt=<n>`), on a 200. */
  setCookie: string | undefined;
}

export interface PageHost {
  readonly origin: string;
  /** Serves the bytes once, at the returned URL. */
  offer(bytes: Buffer): string;
  /**
   * The signed-in site, on the page's own origin:
   * - `GET /session/sign-in` answers 303 to `/` and sets the HttpOnly cookie `session=<sessionToken>`
   *   (Path=/, SameSite=Lax), as a sign-in form's answer does;
   * - `POST /session/upload?id=<id>` reads a multipart upload and answers 200 (its summary as JSON, and
   *   `Set-Cookie: receipt=<n>; Path=/; HttpOnly`) with that cookie, 401 without;
   * - `GET /session/echo` answers the Cookie header of the request, `''` without one.
   */
  readonly sessionToken: string;
  /** The uploads `/session/upload` received, in order. */
  readonly sessionUploads: SessionUpload[];
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // The browser keeps idle connections open; they must not hold the close up.
    server.closeAllConnections();
  });
}

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
  extra: OutgoingHttpHeaders = {},
): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, {
    ...extra,
    'Content-Type': contentType,
    'Content-Length': bytes.length,
    'Cache-Control': 'no-store',
  });
  res.end(bytes);
}

/** `/session/upload`: the body read whole (and summarised) before the answer, whatever the answer is. */
async function sessionUpload(req: IncomingMessage, signedIn: boolean, receipt: number): Promise<SessionUpload> {
  const id = new URL(req.url ?? '/', 'http://host.invalid').searchParams.get('id') ?? '';
  const sink = createSink(req.method ?? 'POST', req.headers);
  req.on('data', (chunk: Buffer) => {
    if (!sink.write(chunk)) {
      req.pause();
      sink.onceDrained(() => req.resume());
    }
  });
  req.on('end', () => sink.end());
  const summary = await sink.done.catch(() => undefined);
  return {
    id,
    cookie: req.headers.cookie,
    status: signedIn ? 200 : 401,
    summary,
    setCookie: signedIn ? `receipt=${receipt}; Path=/; HttpOnly` : undefined,
  };
}

export async function startPageHost(routes: Record<string, StaticRoute>): Promise<PageHost> {
  const offered = new Map<string, Buffer>();
  let count = 0;
  const sessionToken = randomBytes(8).toString('hex');
  const sessionUploads: SessionUpload[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://host.invalid').pathname;
    if (path === '/session/sign-in') {
      res.writeHead(303, {
        Location: '/',
        'Set-Cookie': `session=${sessionToken}; Path=/; HttpOnly; SameSite=Lax`,
        'Content-Length': 0,
        'Cache-Control': 'no-store',
      });
      return res.end();
    }
    if (path === '/session/echo') return send(res, 200, 'text/plain', req.headers.cookie ?? '');
    if (path === '/session/upload' && req.method === 'POST') {
      const signedIn = (req.headers.cookie ?? '').split(/;\s*/).includes(`session=${sessionToken}`);
      void sessionUpload(req, signedIn, sessionUploads.length + 1).then((upload) => {
        sessionUploads.push(upload);
        const body = upload.status === 200 ? JSON.stringify(upload.summary ?? null) : 'sign in first';
        send(res, upload.status, 'text/plain', body, upload.setCookie ? { 'Set-Cookie': upload.setCookie } : {});
      });
      return;
    }
    const route = routes[path];
    if (route) return send(res, 200, route.contentType, route.body);
    const bytes = offered.get(path);
    if (bytes) {
      offered.delete(path);
      return send(res, 200, 'application/octet-stream', bytes);
    }
    send(res, 404, 'text/plain', `not found: ${path}`);
  });
  const origin = await listen(server);
  return {
    origin,
    sessionToken,
    sessionUploads,
    offer(bytes) {
      const path = `/bytes/${++count}`;
      offered.set(path, bytes);
      return origin + path;
    },
    close: () => closeServer(server),
  };
}

export interface FaultServer {
  /** Answers the preflight and the upload without any CORS header: the browser refuses the answer. */
  readonly noCorsUrl: string;
  /** Reads the upload, sends the status, the headers and part of the body, then cuts the connection. */
  readonly cutUrl: string;
  /** Requests seen, as "METHOD /path". */
  readonly requests: string[];
  close(): Promise<void>;
}

const CORS: OutgoingHttpHeaders = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': '*',
  'Access-Control-Allow-Methods': 'POST',
};

/**
 * Part of the body is sent before the cut: Chromium's XHR reaches HEADERS_RECEIVED only with the first
 * body bytes, so a cut right after the headers would look to the page like no response at all.
 */
function cutAfterHeaders(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { ...CORS, 'Content-Type': 'text/plain', 'Content-Length': 1024 * 1024 });
    res.write('x'.repeat(64 * 1024), () => setTimeout(() => req.socket.destroy(), 300));
  });
}

export async function startFaultServer(): Promise<FaultServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://host.invalid').pathname;
    requests.push(`${req.method ?? ''} ${path}`);
    if (path === '/cut' && req.method === 'OPTIONS') return send(res, 204, 'text/plain', '', CORS);
    if (path === '/cut') return cutAfterHeaders(req, res);
    req.resume();
    send(res, req.method === 'OPTIONS' ? 204 : 200, 'text/plain', req.method === 'OPTIONS' ? '' : 'no CORS here');
  });
  const origin = await listen(server);
  return { noCorsUrl: `${origin}/no-cors`, cutUrl: `${origin}/cut`, requests, close: () => closeServer(server) };
}
