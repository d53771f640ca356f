/**
 * The real HTTP upload server of the tests, the benchmarks and the demo. The contract, including the fault
 * modes chosen per request by query parameters, is in ./types.ts.
 */
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readBody } from './body-reader';
import { RecordStore } from './record-store';
import { errorMessage, parsePlan, PlanError, withoutFaults, type UploadPlan } from './request-plan';
import { serveStatic } from './static-files';
import { Timers } from './timers';
import type { UploadRecord, UploadServer, UploadServerOptions, UploadSummary } from './types';

const JSON_TYPE = 'application/json; charset=utf-8';
const UPLOAD_PATH = '/upload';
const FILLER_LINE_BYTES = 1024;

interface Body {
  bytes: Buffer;
  contentType: string;
}

interface ServerContext {
  readonly options: UploadServerOptions;
  readonly store: RecordStore;
  readonly timers: Timers;
  readonly sockets: Set<Socket>;
  /** The upload records of each connection, completed when it closes. */
  readonly socketRecords: WeakMap<Socket, UploadRecord[]>;
  /** Requests waiting at their holdAfter point, by id; and the ids released (see UploadServer.release). */
  readonly holds: Map<string, Array<() => void>>;
  readonly released: Set<string>;
}

export async function startUploadServer(options: UploadServerOptions = {}): Promise<UploadServer> {
  const ctx: ServerContext = {
    options,
    store: new RecordStore(),
    timers: new Timers(),
    sockets: new Set(),
    socketRecords: new WeakMap(),
    holds: new Map(),
    released: new Set(),
  };
  // No request timeout: stalled and throttled uploads must last until the client gives up.
  const server = createServer({ requestTimeout: 0 }, (req, res) => route(ctx, req, res));
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (wantsBody(req)) res.writeContinue();
    route(ctx, req, res);
  });
  server.on('connection', (socket: Socket) => trackSocket(ctx, socket));

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      ctx.store.rejectWaiters('upload server closed');
      ctx.timers.clearAll();
      for (const socket of ctx.sockets) socket.destroy();
      server.close(() => resolve());
    });
    return closing;
  };

  return {
    origin,
    uploadUrl: origin + UPLOAD_PATH,
    get records() {
      return ctx.store.records;
    },
    waitFor: (predicate, timeoutMs) => ctx.store.waitFor(predicate, timeoutMs),
    byId: (id) => ctx.store.byId(id),
    openSockets: () => ctx.sockets.size,
    release: (id) => {
      ctx.released.add(id);
      for (const goOn of ctx.holds.get(id) ?? []) goOn();
      ctx.holds.delete(id);
    },
    clearRecords: () => ctx.store.clear(),
    close,
  };
}

function trackSocket(ctx: ServerContext, socket: Socket): void {
  ctx.sockets.add(socket);
  ctx.socketRecords.set(socket, []);
  socket.once('close', () => {
    ctx.sockets.delete(socket);
    const closedAt = Date.now();
    for (const record of ctx.socketRecords.get(socket) ?? []) {
      record.closedAt = closedAt;
      record.endedAt ??= closedAt;
      if (!record.responded) record.clientAborted = true;
      ctx.store.changed(record);
    }
  });
}

/** Whether to answer `Expect: 100-continue` with 100: not when the plan is to refuse the body. */
function wantsBody(req: IncomingMessage): boolean {
  const url = requestUrl(req);
  if (url.pathname !== UPLOAD_PATH) return true;
  try {
    const plan = parsePlan(url);
    return !plan.closeEarly && !plan.respondEarly;
  } catch {
    return false;
  }
}

function route(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): void {
  res.on('error', () => undefined);
  handle(ctx, req, res).catch((error: unknown) => {
    if (res.headersSent) res.destroy();
    else sendJson(res, 500, { error: `upload server: ${errorMessage(error)}` });
  });
}

async function handle(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = requestUrl(req);
  if (req.method === 'OPTIONS') return preflight(req, res);
  if (url.pathname === UPLOAD_PATH) {
    if (req.method === 'POST' || req.method === 'PUT') return handleUpload(ctx, req, res, url);
    res.setHeader('Allow', 'POST, PUT, OPTIONS');
    return sendJson(res, 405, { error: `${req.method} not allowed on ${UPLOAD_PATH}` });
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 404, { error: 'not found' });
  if (url.pathname === '/health') return sendBody(res, 200, { bytes: Buffer.from('ok'), contentType: 'text/plain' });
  if (!(await serveStatic(req, res, url.pathname, ctx.options, corsHeaders()))) {
    sendJson(res, 404, { error: `not found: ${url.pathname}` });
  }
}

function requestUrl(req: IncomingMessage): URL {
  return new URL(req.url ?? '/', 'http://upload-server.invalid');
}

async function handleUpload(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const exchange = new Exchange(ctx, req, res, url);
  let plan: UploadPlan;
  try {
    plan = parsePlan(url);
  } catch (error) {
    if (!(error instanceof PlanError)) throw error;
    return exchange.send(400, jsonBody({ error: error.message }));
  }
  if (plan.faultTimes !== undefined && ctx.store.byId(exchange.record.id).length > plan.faultTimes)
    plan = withoutFaults(plan);
  if (plan.closeEarly) {
    req.socket.destroy();
    return;
  }
  if (plan.respondEarly) return exchange.respondEarly(plan);

  const id = exchange.record.id;
  const outcome = await readBody(req, {
    ...plan,
    onHold: (goOn) => {
      if (ctx.released.has(id)) goOn();
      else ctx.holds.set(id, [...(ctx.holds.get(id) ?? []), goOn]);
    },
    timers: ctx.timers,
    onBytes: (total) => exchange.update((r) => (r.bytesReceived = total)),
  });
  switch (outcome.kind) {
    case 'complete':
      exchange.update((r) => {
        r.bodyComplete = true;
        r.summary = outcome.summary;
      });
      if (plan.closeAfterBody) {
        req.socket.destroy();
        return;
      }
      return exchange.answer(plan, outcome.summary);
    case 'invalid':
      return exchange.send(outcome.error.status, jsonBody({ error: outcome.error.message }));
    case 'reset':
      req.socket.resetAndDestroy();
      return;
    case 'stalled':
    case 'aborted':
      return;
  }
}

/** One request to /upload: its record, kept up to date, and the ways to answer it. */
class Exchange {
  readonly record: UploadRecord;

  constructor(
    private readonly ctx: ServerContext,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    url: URL,
  ) {
    this.record = ctx.store.create(req, url);
    const socket = req.socket;
    if (socket.destroyed) {
      this.update((r) => {
        r.closedAt = Date.now();
        r.endedAt ??= r.closedAt;
      });
    } else ctx.socketRecords.get(socket)?.push(this.record);
    res.on('finish', () =>
      this.update((r) => {
        r.responded = true;
        r.endedAt ??= Date.now();
      }),
    );
  }

  update(change: (record: UploadRecord) => void): void {
    change(this.record);
    this.ctx.store.changed(this.record);
  }

  /** The normal answer, after the body was read. */
  async answer(plan: UploadPlan, summary: UploadSummary): Promise<void> {
    if (plan.delayHeadersMs > 0) await this.ctx.timers.sleep(plan.delayHeadersMs);
    if (this.gone) return;
    const body = plan.body ?? jsonBody(summary);
    this.head(plan.redirect?.status ?? plan.status ?? 200, body, plan);
    if (plan.delayBodyMs > 0 || plan.neverEnd) this.res.flushHeaders();
    if (plan.delayBodyMs > 0) await this.ctx.timers.sleep(plan.delayBodyMs);
    if (this.gone) return;
    if (plan.neverEnd) this.res.write(body.bytes.subarray(0, Math.ceil(body.bytes.length / 2)));
    else this.res.end(body.bytes);
  }

  /** Answers without reading the body; the connection closes after the answer. */
  respondEarly(plan: UploadPlan): void {
    this.res.setHeader('Connection', 'close');
    const body = plan.body ?? jsonBody({ error: 'upload refused before reading the body' });
    this.head(plan.status ?? 413, body, plan);
    this.res.end(body.bytes);
  }

  send(status: number, body: Body): void {
    if (this.gone) return;
    this.head(status, body);
    this.res.end(body.bytes);
  }

  private get gone(): boolean {
    return this.res.destroyed || this.req.socket.destroyed;
  }

  private head(status: number, body: Body, plan?: UploadPlan): void {
    const res = this.res;
    const custom = plan?.headers ?? [];
    const exposed = ['X-Upload-Id', ...(plan?.redirect ? ['Location'] : []), ...custom.map(([n]) => n)];
    setHeaders(res, corsHeaders(exposed, plan?.credentials ? this.req.headers.origin : undefined));
    res.setHeader('Content-Type', body.contentType);
    res.setHeader('X-Upload-Id', this.record.id);
    if (plan?.redirect) res.setHeader('Location', plan.redirect.location);
    // neverEnd is sent chunked: a response without a length can never look complete, whatever its body.
    if (hasBody(status) && !plan?.neverEnd) res.setHeader('Content-Length', body.bytes.length);
    for (const [name, value] of fillerHeaders(plan?.largeHeadersBytes ?? 0)) res.setHeader(name, value);
    // A name given more than once is sent as that many header lines (several Set-Cookie, say).
    const lines = new Map<string, [string, string[]]>();
    for (const [name, value] of custom) {
      const same = lines.get(name.toLowerCase());
      if (same) same[1].push(value);
      else lines.set(name.toLowerCase(), [name, [value]]);
    }
    for (const [name, values] of lines.values()) res.setHeader(name, values.length === 1 ? values[0] : values);
    res.writeHead(status);
    this.update((r) => (r.status = status));
  }
}

function hasBody(status: number): boolean {
  return status >= 200 && status !== 204 && status !== 304;
}

/** Headers X-Filler-<i> of about 1 KB per line (name, value and CRLF), totalling about `total` bytes. */
function fillerHeaders(total: number): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  const filler = 'x'.repeat(FILLER_LINE_BYTES);
  for (let left = total, i = 0; left > 0; i++) {
    const name = `X-Filler-${i}`;
    const overhead = name.length + 4;
    const valueLength = Math.max(1, Math.min(FILLER_LINE_BYTES, left) - overhead);
    headers.push([name, filler.slice(0, valueLength)]);
    left -= overhead + valueLength;
  }
  return headers;
}

/** With `credentialsFor` (the request's Origin), the answer a browser accepts for a request with credentials. */
function corsHeaders(exposed: string[] = [], credentialsFor?: string): OutgoingHttpHeaders {
  return {
    'Access-Control-Allow-Origin': credentialsFor ?? '*',
    'Access-Control-Expose-Headers': ['*', ...exposed].join(', '),
    ...(credentialsFor ? { 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' } : {}),
  };
}

function preflight(req: IncomingMessage, res: ServerResponse): void {
  const requested = req.headers['access-control-request-headers'];
  const credentialsFor = requestUrl(req).searchParams.get('credentials') === '1' ? req.headers.origin : undefined;
  res.writeHead(204, {
    'Access-Control-Allow-Origin': credentialsFor ?? '*',
    ...(credentialsFor ? { 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' } : {}),
    'Access-Control-Allow-Methods': 'POST, PUT, OPTIONS',
    'Access-Control-Allow-Headers': requested ? `*, ${requested}` : '*',
    'Access-Control-Max-Age': '600',
    // Chromium's Private Network Access asks this of pages on public origins that call a local server.
    ...(req.headers['access-control-request-private-network'] === 'true'
      ? { 'Access-Control-Allow-Private-Network': 'true' }
      : {}),
  });
  res.end();
}

function setHeaders(res: ServerResponse, headers: OutgoingHttpHeaders): void {
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) res.setHeader(name, value);
  }
}

function jsonBody(value: unknown): Body {
  return { bytes: Buffer.from(JSON.stringify(value), 'utf8'), contentType: JSON_TYPE };
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  sendBody(res, status, jsonBody(value));
}

function sendBody(res: ServerResponse, status: number, body: Body): void {
  res.writeHead(status, { ...corsHeaders(), 'Content-Type': body.contentType, 'Content-Length': body.bytes.length });
  res.end(body.bytes);
}
