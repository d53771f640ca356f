/**
 * The two small servers of the page tests, beside the upload server (server/):
 * - the page host serves the test page and the bytes of generated files, on its own origin, so that every
 *   upload is cross-origin as in an ArkWeb app (CORS preflights, exposed headers) and the upload server
 *   only ever sees uploads;
 * - the fault server answers in ways the upload server does not: without CORS, or by cutting the
 *   connection after the response headers.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StaticRoute {
  contentType: string;
  body: string | Buffer;
}

export interface PageHost {
  readonly origin: string;
  /** Serves the bytes once, at the returned URL. */
  offer(bytes: Buffer): string;
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

export async function startPageHost(routes: Record<string, StaticRoute>): Promise<PageHost> {
  const offered = new Map<string, Buffer>();
  let count = 0;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://host.invalid').pathname;
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
