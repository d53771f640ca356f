import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startUploadServer } from './upload-server';
import type { UploadRecord, UploadServer, UploadSummary } from './types';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

interface RequestInit {
  method?: string;
  headers?: OutgoingHttpHeaders;
  body?: Buffer | string;
}

const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One request on its own connection (no keep-alive), body read to the end. */
function request(url: string, init: RequestInit = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? 'POST', headers: init.headers, agent: false }, (res) => {
      readAll(res).then((body) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }), reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** A GET with the path sent exactly as given (a URL string would be normalized first). */
function getRaw(server: UploadServer, path: string): Promise<Reply> {
  const { hostname, port } = new URL(server.origin);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path, agent: false }, (res) => {
      readAll(res).then((body) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }), reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Resolves with the error of a request that must fail; rejects if an answer comes instead. */
function requestError(url: string, body: Buffer): Promise<NodeJS.ErrnoException> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false }, (res) => {
      reject(new Error(`unexpected answer ${res.statusCode}`));
    });
    req.on('error', resolve);
    req.end(body);
  });
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${condition.toString()}`);
    await sleep(20);
  }
}

const byIdIs =
  (id: string) =>
  (record: UploadRecord): boolean =>
    record.id === id;

function multipart(boundary: string, parts: Array<{ headers: string[]; body: Buffer | string }>): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(
      Buffer.from(`--${boundary}\r\n${part.headers.join('\r\n')}\r\n\r\n`),
      Buffer.from(part.body),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

let server: UploadServer;
let siteDir: string;
let workDir: string;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'upload-server-test-'));
  siteDir = join(workDir, 'site');
  mkdirSync(siteDir);
  writeFileSync(join(workDir, 'secret.txt'), 'SECRET outside the static dir');
  writeFileSync(join(siteDir, 'index.html'), '<!doctype html><title>demo</title>');
  writeFileSync(join(siteDir, 'app.js'), 'export const app = 1;\n');
  writeFileSync(join(siteDir, 'style.css'), 'body{}');
  writeFileSync(join(siteDir, 'data.json'), '{"a":1}');
  writeFileSync(join(siteDir, 'app.js.map'), '{"version":3}');
  writeFileSync(join(siteDir, 'pixel.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  writeFileSync(join(workDir, 'extra.mjs'), 'export default 2;\n');
  server = await startUploadServer({
    staticDir: siteDir,
    staticFiles: { '/lib/extra.mjs': join(workDir, 'extra.mjs') },
  });
});

afterAll(async () => {
  await server?.close();
  rmSync(workDir, { recursive: true, force: true });
});

describe('upload bodies', () => {
  it('streams multipart files: sizes and sha256 match, UTF-8 names and fields survive', async () => {
    const big = randomBytes(3 * 1024 * 1024 + 7);
    const small = randomBytes(1000);
    const form = new FormData();
    form.append('名前', 'värde ✓');
    form.append('plain', 'x');
    form.append('file', new Blob([big], { type: 'application/x-test' }), '写真 ü.bin');
    form.append('second', new Blob([small]), 'small.bin');
    form.append('empty', new Blob([]), 'empty.txt');

    const res = await fetch(`${server.uploadUrl}?id=multi`, { method: 'POST', body: form });
    const summary = (await res.json()) as UploadSummary;

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('x-upload-id')).toBe('multi');
    expect(summary.method).toBe('POST');
    expect(summary.fields).toEqual({ 名前: 'värde ✓', plain: 'x' });
    expect(summary.raw).toBeUndefined();
    expect(summary.files).toEqual([
      {
        field: 'file',
        filename: '写真 ü.bin',
        contentType: 'application/x-test',
        size: big.length,
        sha256: sha256(big),
      },
      {
        field: 'second',
        filename: 'small.bin',
        contentType: 'application/octet-stream',
        size: 1000,
        sha256: sha256(small),
      },
      { field: 'empty', filename: 'empty.txt', contentType: 'application/octet-stream', size: 0, sha256: sha256('') },
    ]);
    const record = await server.waitFor((r) => r.id === 'multi' && r.responded);
    expect(record).toMatchObject({ method: 'POST', bodyComplete: true, status: 200, clientAborted: false, summary });
    expect(record.bytesReceived).toBe(Number(record.headers['content-length']));
    expect(record.bytesReceived).toBeGreaterThan(big.length);
  });

  it('decodes quoted names with escaped quotes and RFC 5987 file names', async () => {
    const boundary = 'b0undary';
    const body = multipart(boundary, [
      { headers: ['Content-Disposition: form-data; name="q\\"uote"'], body: 'v"1' },
      {
        headers: ['Content-Disposition: form-data; name="f"; filename="say \\"hi\\".txt"', 'Content-Type: text/plain'],
        body: 'hello',
      },
      {
        headers: [`Content-Disposition: form-data; name="g"; filename*=UTF-8''%E2%9C%93%20ok.txt`],
        body: 'ok',
      },
    ]);
    const reply = await request(`${server.uploadUrl}?id=quotes`, {
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
    const summary = JSON.parse(reply.body.toString('utf8')) as UploadSummary;
    expect(reply.status).toBe(200);
    expect(summary.fields).toEqual({ 'q"uote': 'v"1' });
    expect(summary.files.map((f) => [f.field, f.filename, f.size, f.sha256])).toEqual([
      ['f', 'say "hi".txt', 5, sha256('hello')],
      ['g', '✓ ok.txt', 2, sha256('ok')],
    ]);
  });

  it('hashes a raw (non-multipart) PUT body', async () => {
    const body = randomBytes(1024 * 1024);
    const reply = await request(`${server.uploadUrl}?id=raw`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/octet-stream' },
      body,
    });
    const summary = JSON.parse(reply.body.toString('utf8')) as UploadSummary;
    expect(reply.status).toBe(200);
    expect(summary).toEqual({
      method: 'PUT',
      fields: {},
      files: [],
      raw: { size: body.length, sha256: sha256(body), contentType: 'application/octet-stream' },
    });
    expect(server.byId('raw')[0]).toMatchObject({ method: 'PUT', bytesReceived: body.length, bodyComplete: true });
  });

  it('answers a malformed multipart body with 400 JSON and keeps serving', async () => {
    const unterminated = await request(`${server.uploadUrl}?id=bad-form`, {
      headers: { 'Content-Type': 'multipart/form-data; boundary=XYZ' },
      body: '--XYZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue-without-end',
    });
    expect(unterminated.status).toBe(400);
    expect(unterminated.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(unterminated.body.toString()).error).toMatch(/Unexpected end of form/);

    const noBoundary = await request(`${server.uploadUrl}?id=no-boundary`, {
      headers: { 'Content-Type': 'multipart/form-data' },
      body: 'whatever',
    });
    expect(noBoundary.status).toBe(400);
    expect(JSON.parse(noBoundary.body.toString()).error).toMatch(/boundary/i);
    expect(server.byId('no-boundary')[0]).toMatchObject({ status: 400, bodyComplete: false });

    expect((await getRaw(server, '/health')).body.toString()).toBe('ok');
  });

  it('answers a garbage request line with 400 and keeps serving', async () => {
    const { hostname, port } = new URL(server.origin);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname);
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
      socket.write('NOT HTTP AT ALL\r\n\r\n');
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect((await getRaw(server, '/health')).status).toBe(200);
  });

  it('rejects unusable query parameters with 400', async () => {
    const badNumber = await request(`${server.uploadUrl}?readBps=fast`, { body: 'x' });
    expect(badNumber.status).toBe(400);
    expect(JSON.parse(badNumber.body.toString()).error).toMatch(/readBps/);
    const badHeader = await request(`${server.uploadUrl}?${encodeURIComponent('header.Bad Name')}=x`, { body: 'x' });
    expect(badHeader.status).toBe(400);
    const badRedirect = await request(`${server.uploadUrl}?redirect=305`, { body: 'x' });
    expect(badRedirect.status).toBe(400);
  });

  it('survives clients that abort mid-upload and records the abort', async () => {
    const req = http.request(`${server.uploadUrl}?id=abort`, { method: 'POST', agent: false });
    req.on('error', () => undefined);
    req.setHeader('Content-Length', 5_000_000);
    req.write(randomBytes(100_000));
    await server.waitFor((r) => r.id === 'abort' && r.bytesReceived === 100_000);
    req.destroy();
    const record = await server.waitFor((r) => r.id === 'abort' && r.closedAt !== undefined);
    expect(record).toMatchObject({ clientAborted: true, bodyComplete: false, responded: false });
    expect(record.status).toBeUndefined();
    expect((await getRaw(server, '/health')).status).toBe(200);
  });
});

describe('answers', () => {
  it('uses the requested status, custom text body, base64 bytes and extra headers', async () => {
    const text = await request(
      `${server.uploadUrl}?status=503&body=${encodeURIComponent('busy ✓')}&header.X-Test=hello`,
      {
        body: 'x',
      },
    );
    expect(text.status).toBe(503);
    expect(text.body.toString('utf8')).toBe('busy ✓');
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(text.headers['x-test']).toBe('hello');

    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0xfb]);
    const binary = await request(
      `${server.uploadUrl}?bodyB64=${encodeURIComponent(bytes.toString('base64'))}&status=201`,
      {
        body: 'x',
      },
    );
    expect(binary.status).toBe(201);
    expect(binary.body.equals(bytes)).toBe(true);
    expect(binary.headers['content-length']).toBe(String(bytes.length));

    const overridden = await request(`${server.uploadUrl}?body=a,b&header.Content-Type=text/csv`, { body: 'x' });
    expect(overridden.headers['content-type']).toBe('text/csv');

    // A header named twice is two lines of the answer.
    const twice = await request(`${server.uploadUrl}?header.Set-Cookie=a%3D1&header.set-cookie=b%3D2`, { body: 'x' });
    expect(twice.headers['set-cookie']).toEqual(['a=1', 'b=2']);
  });

  it('delayHeadersMs: the answer starts only well after the body was read', async () => {
    let answeredAt = 0;
    const reply = request(`${server.uploadUrl}?id=delay-h&delayHeadersMs=400`, { body: 'x' }).then((r) => {
      answeredAt = Date.now();
      return r;
    });
    const record = await server.waitFor((r) => r.id === 'delay-h' && r.bodyComplete);
    const bodyReadAt = Date.now();
    expect(record.status).toBeUndefined();
    expect(answeredAt).toBe(0);
    expect((await reply).status).toBe(200);
    expect(answeredAt - bodyReadAt).toBeGreaterThanOrEqual(250);
  });

  it('delayBodyMs: status and headers first, the body later', async () => {
    const events: string[] = [];
    let headersAt = 0;
    let endAt = 0;
    await new Promise<void>((resolve, reject) => {
      const req = http.request(
        `${server.uploadUrl}?id=delay-b&delayBodyMs=400`,
        { method: 'POST', agent: false },
        (res) => {
          headersAt = Date.now();
          events.push(`headers ${res.statusCode}`);
          expect(server.byId('delay-b')[0]).toMatchObject({ status: 200, responded: false });
          res.once('data', () => events.push('data'));
          res.on('end', () => {
            endAt = Date.now();
            resolve();
          });
        },
      );
      req.on('error', reject);
      req.end('x');
    });
    expect(events).toEqual(['headers 200', 'data']);
    expect(endAt - headersAt).toBeGreaterThanOrEqual(250);
    expect((await server.waitFor((r) => r.id === 'delay-b' && r.responded)).status).toBe(200);
  });

  it('largeHeadersBytes: sends about 1 MB of headers', async () => {
    const { hostname, port } = new URL(server.origin);
    const head = await new Promise<Buffer>((resolve, reject) => {
      const socket = connect(Number(port), hostname);
      const chunks: Buffer[] = [];
      let length = 0;
      socket.on('error', reject);
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        length += chunk.length;
        const all = Buffer.concat(chunks, length);
        const end = all.indexOf('\r\n\r\n');
        if (end >= 0) {
          socket.destroy();
          resolve(all.subarray(0, end + 4));
        }
      });
      socket.write(
        'POST /upload?id=large&largeHeadersBytes=1048576 HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx',
      );
    });
    const text = head.toString('latin1');
    expect(text.startsWith('HTTP/1.1 200 OK\r\n')).toBe(true);
    expect(head.length).toBeGreaterThanOrEqual(1024 * 1024);
    expect(head.length).toBeLessThan(1024 * 1024 + 4096);
    expect(text.match(/^X-Filler-\d+: /gm)?.length).toBeGreaterThanOrEqual(1000);

    // Which is the point: Node's client refuses more than 16 KB of headers by default.
    const refused = await requestError(`${server.uploadUrl}?largeHeadersBytes=1048576`, Buffer.from('x'));
    expect(refused.code).toBe('HPE_HEADER_OVERFLOW');
  });

  it('redirects to the upload without the redirect, or to `to`', async () => {
    const own = await request(`${server.uploadUrl}?id=redir&redirect=307`, { body: 'x' });
    expect(own.status).toBe(307);
    expect(own.headers.location).toBe('/upload?id=redir');
    const elsewhere = await request(`${server.uploadUrl}?redirect=302&to=${encodeURIComponent('/elsewhere?a=1')}`, {
      body: 'x',
    });
    expect(elsewhere.status).toBe(302);
    expect(elsewhere.headers.location).toBe('/elsewhere?a=1');

    const followed = await fetch(`${server.uploadUrl}?id=redir-fetch&redirect=308`, { method: 'POST', body: 'hello' });
    expect(followed.status).toBe(200);
    expect(((await followed.json()) as UploadSummary).raw?.size).toBe(5);
    expect(server.byId('redir-fetch').map((r) => r.status)).toEqual([308, 200]);
  });

  it('allows cross-origin uploads: preflight and exposed headers', async () => {
    const preflight = await request(server.uploadUrl, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://example.test',
        'Access-Control-Request-Method': 'PUT',
        'Access-Control-Request-Headers': 'authorization, x-custom',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(preflight.headers['access-control-allow-methods']).toBe('POST, PUT, OPTIONS');
    expect(preflight.headers['access-control-allow-headers']).toBe('*, authorization, x-custom');
    expect(preflight.headers['access-control-max-age']).toBe('600');
    expect(server.records.some((r) => r.method === 'OPTIONS')).toBe(false);

    const upload = await request(`${server.uploadUrl}?header.X-Custom=1`, {
      headers: { Origin: 'http://example.test' },
      body: 'x',
    });
    expect(upload.headers['access-control-allow-origin']).toBe('*');
    const exposed = String(upload.headers['access-control-expose-headers']).split(/,\s*/);
    expect(exposed).toEqual(expect.arrayContaining(['*', 'X-Upload-Id', 'X-Custom']));
  });
});

describe('faults', () => {
  it('readBps throttles reading: 200 KB at 100 KB/s takes over 1.5 s', async () => {
    const started = Date.now();
    const reply = request(`${server.uploadUrl}?id=slow&readBps=100000`, { method: 'PUT', body: randomBytes(200_000) });
    await sleep(800);
    const midway = server.byId('slow')[0]?.bytesReceived ?? 0;
    expect(midway).toBeGreaterThan(0);
    expect(midway).toBeLessThan(200_000);
    expect((await reply).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
  });

  it('stallAfter stops reading at n bytes and never answers', async () => {
    let answered = false;
    const req = http.request(`${server.uploadUrl}?id=stall&stallAfter=50000`, { method: 'PUT', agent: false }, () => {
      answered = true;
    });
    req.on('error', () => undefined);
    req.end(randomBytes(1_000_000));
    await server.waitFor((r) => r.id === 'stall' && r.bytesReceived === 50_000);
    await sleep(400);
    expect(answered).toBe(false);
    expect(server.byId('stall')[0]).toMatchObject({ bytesReceived: 50_000, bodyComplete: false });
    expect(server.byId('stall')[0]?.status).toBeUndefined();
    req.destroy();
    const closed = await server.waitFor((r) => r.id === 'stall' && r.closedAt !== undefined);
    expect(closed.clientAborted).toBe(true);
  });

  it('holdAfter waits at n bytes until release(id), then reads the rest and answers', async () => {
    const body = randomBytes(2_000_000);
    let answered = false;
    const reply = request(`${server.uploadUrl}?id=hold&holdAfter=100000`, { method: 'PUT', body }).finally(() => {
      answered = true;
    });
    const held = await server.waitFor((r) => r.id === 'hold' && r.bytesReceived >= 100_000);
    // A chunk at most past the point; nothing more is read while held, however long.
    expect(held.bytesReceived).toBeLessThan(100_000 + 65_536);
    await sleep(200);
    expect(server.byId('hold')[0]).toMatchObject({ bytesReceived: held.bytesReceived, bodyComplete: false });
    expect(answered).toBe(false);
    server.release('hold');
    expect((await reply).status).toBe(200);
    expect(server.byId('hold')[0]?.summary?.raw).toMatchObject({ size: body.length, sha256: sha256(body) });
  });

  it('holdAfter: a request whose id was released before it got there reads through', async () => {
    server.release('hold-later');
    const body = randomBytes(300_000);
    const reply = await request(`${server.uploadUrl}?id=hold-later&holdAfter=1000`, { method: 'PUT', body });
    expect(reply.status).toBe(200);
    expect(server.byId('hold-later')[0]).toMatchObject({ bodyComplete: true, responded: true });
  });

  it('stallAfter=0 reads nothing at all', async () => {
    const req = http.request(`${server.uploadUrl}?id=stall0&stallAfter=0`, { method: 'PUT', agent: false });
    req.on('error', () => undefined);
    req.end(randomBytes(10_000));
    await server.waitFor(byIdIs('stall0'));
    await sleep(200);
    expect(server.byId('stall0')[0]).toMatchObject({ bytesReceived: 0, responded: false });
    expect(server.byId('stall0')[0]?.status).toBeUndefined();
    req.destroy();
  });

  it('resetAfter resets the connection (TCP RST, not a FIN) after n bytes', async () => {
    // Exactly n bytes of a longer body: nothing is left unread, so a plain close would be a FIN ("socket hang up").
    const error = await new Promise<NodeJS.ErrnoException>((resolve, reject) => {
      const req = http.request(
        `${server.uploadUrl}?id=reset&resetAfter=30000`,
        { method: 'POST', agent: false },
        (res) => reject(new Error(`unexpected answer ${res.statusCode}`)),
      );
      req.on('error', resolve);
      req.setHeader('Content-Length', 2_000_000);
      req.write(randomBytes(30_000));
    });
    expect([error.code, error.syscall]).toEqual(['ECONNRESET', 'read']);
    const record = await server.waitFor((r) => r.id === 'reset' && r.closedAt !== undefined);
    expect(record).toMatchObject({ bytesReceived: 30_000, clientAborted: true, responded: false });
    expect(record.status).toBeUndefined();

    const whileSending = await requestError(`${server.uploadUrl}?resetAfter=30000`, randomBytes(2_000_000));
    expect(['ECONNRESET', 'EPIPE']).toContain(whileSending.code);
  });

  it('closeEarly closes the connection without reading or answering', async () => {
    const error = await requestError(`${server.uploadUrl}?id=close-early&closeEarly=1`, randomBytes(100_000));
    expect(['ECONNRESET', 'EPIPE']).toContain(error.code);
    const record = await server.waitFor((r) => r.id === 'close-early' && r.closedAt !== undefined);
    expect(record).toMatchObject({ bytesReceived: 0, clientAborted: true });
    expect(record.status).toBeUndefined();
  });

  it('closeAfterBody reads the whole body, then closes the connection without answering', async () => {
    const body = randomBytes(100_000);
    const error = await requestError(`${server.uploadUrl}?id=close-after&closeAfterBody=1`, body);
    expect(error.code).toBe('ECONNRESET');
    const record = await server.waitFor((r) => r.id === 'close-after' && r.closedAt !== undefined);
    expect(record).toMatchObject({ bytesReceived: body.length, bodyComplete: true, responded: false });
    expect(record.status).toBeUndefined();
  });

  it('respondEarly answers before any of the body is sent, then closes', async () => {
    const early = (query: string): Promise<Reply> =>
      new Promise((resolve, reject) => {
        const req = http.request(`${server.uploadUrl}?${query}`, {
          method: 'POST',
          agent: false,
          // The client would keep the connection: closing it is the server's doing.
          headers: { 'Content-Length': 100_000, Connection: 'keep-alive' },
        });
        // Only the headers go out; the answer must come anyway.
        req.flushHeaders();
        req.on('error', () => undefined);
        req.on('response', (res) => {
          const socketClosed = new Promise((onClose) => req.socket?.once('close', onClose));
          readAll(res)
            .then(async (body) => {
              await socketClosed;
              resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
            })
            .catch(reject);
        });
      });
    const refused = await early('id=early&respondEarly=1');
    expect(refused.status).toBe(413);
    expect(refused.headers.connection).toBe('close');
    expect(JSON.parse(refused.body.toString()).error).toBeTypeOf('string');
    expect(server.byId('early')[0]).toMatchObject({
      status: 413,
      bytesReceived: 0,
      bodyComplete: false,
      responded: true,
    });

    const custom = await early('respondEarly=1&status=403&body=nope');
    expect([custom.status, custom.body.toString()]).toEqual([403, 'nope']);
  });

  it('respondEarly refuses `Expect: 100-continue`, a normal upload accepts it', async () => {
    const withExpect = (query: string): Promise<{ continued: boolean; status: number }> =>
      new Promise((resolve, reject) => {
        let continued = false;
        const req = http.request(`${server.uploadUrl}?${query}`, {
          method: 'POST',
          agent: false,
          headers: { Expect: '100-continue', 'Content-Length': 5 },
        });
        req.on('continue', () => {
          continued = true;
          req.end('hello');
        });
        req.on('response', (res) => {
          res.resume();
          res.on('end', () => {
            req.destroy();
            resolve({ continued, status: res.statusCode ?? 0 });
          });
        });
        req.on('error', reject);
        req.flushHeaders();
      });
    expect(await withExpect('id=expect')).toEqual({ continued: true, status: 200 });
    expect(await withExpect('respondEarly=1')).toEqual({ continued: false, status: 413 });
  });

  it('neverEnd sends headers and part of the body, then nothing', async () => {
    let received = 0;
    let ended = false;
    const req = http.request(`${server.uploadUrl}?id=never&neverEnd=1&body=0123456789`, {
      method: 'POST',
      agent: false,
    });
    req.on('error', () => undefined);
    const res = await new Promise<IncomingMessage>((resolve) => {
      req.on('response', resolve);
      req.end('x');
    });
    res.on('data', (chunk: Buffer) => (received += chunk.length));
    res.on('end', () => (ended = true));
    res.on('error', () => undefined);
    await sleep(400);
    expect(res.statusCode).toBe(200);
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(10);
    expect(ended).toBe(false);
    expect(server.byId('never')[0]).toMatchObject({ status: 200, responded: false, bodyComplete: true });
    req.destroy();
    const record = await server.waitFor((r) => r.id === 'never' && r.closedAt !== undefined);
    expect(record.clientAborted).toBe(true);
  });
});

describe('static files', () => {
  it('serves files from staticDir and staticFiles with their content types', async () => {
    const expected: Array<[string, string, string]> = [
      ['/index.html', 'text/html; charset=utf-8', '<!doctype html><title>demo</title>'],
      ['/', 'text/html; charset=utf-8', '<!doctype html><title>demo</title>'],
      ['/app.js', 'text/javascript; charset=utf-8', 'export const app = 1;\n'],
      ['/lib/extra.mjs', 'text/javascript; charset=utf-8', 'export default 2;\n'],
      ['/style.css', 'text/css; charset=utf-8', 'body{}'],
      ['/data.json', 'application/json; charset=utf-8', '{"a":1}'],
      ['/app.js.map', 'application/json; charset=utf-8', '{"version":3}'],
      ['/pixel.png', 'image/png', '\x89PNG'],
    ];
    for (const [path, type, body] of expected) {
      const reply = await getRaw(server, path);
      expect([path, reply.status, reply.headers['content-type'], reply.body.toString('latin1')]).toEqual([
        path,
        200,
        type,
        body,
      ]);
      expect(reply.headers['access-control-allow-origin']).toBe('*');
    }
    expect((await getRaw(server, '/missing.html')).status).toBe(404);
    const health = await getRaw(server, '/health');
    expect([health.status, health.body.toString()]).toEqual([200, 'ok']);
    expect((await getRaw(server, '/upload')).status).toBe(405);
  });

  it('does not serve files outside staticDir', async () => {
    const attempts = [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/..%5csecret.txt',
      '/../package.json',
      '/%2e%2e/package.json',
      '/..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd',
      '/secret.txt%00.html',
    ];
    for (const path of attempts) {
      const reply = await getRaw(server, path);
      expect([path, reply.status]).toEqual([path, 404]);
      expect(reply.body.toString()).not.toContain('SECRET');
    }
  });
});

describe('records and lifecycle', () => {
  it('waitFor resolves for existing and future records and rejects on timeout', async () => {
    await request(`${server.uploadUrl}?id=wait-existing`, { body: 'x' });
    // An existing match resolves at once, even with a timeout too short to wait for anything.
    expect((await server.waitFor(byIdIs('wait-existing'), 1)).id).toBe('wait-existing');

    const future = server.waitFor((r) => r.id === 'wait-future' && r.responded);
    await sleep(50);
    void request(`${server.uploadUrl}?id=wait-future`, { body: 'x' });
    expect((await future).status).toBe(200);

    await expect(server.waitFor(byIdIs('never-sent'), 100)).rejects.toThrow(/within 100 ms/);
  });

  it('clearRecords forgets the records', async () => {
    await request(`${server.uploadUrl}?id=forget-me`, { body: 'x' });
    expect(server.byId('forget-me')).toHaveLength(1);
    server.clearRecords();
    expect(server.records).toHaveLength(0);
    expect(server.byId('forget-me')).toHaveLength(0);
    await request(`${server.uploadUrl}?id=after-clear`, { body: 'x' });
    expect(server.records.map((r) => r.id)).toEqual(['after-clear']);
  });

  it('openSockets counts live connections and returns to 0 when clients close', async () => {
    const own = await startUploadServer();
    try {
      expect(own.openSockets()).toBe(0);
      const agent = new http.Agent({ keepAlive: true });
      const send = (): Promise<number> =>
        new Promise((resolve, reject) => {
          const req = http.request(own.uploadUrl, { method: 'POST', agent }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          req.on('error', reject);
          req.end('x');
        });
      expect(await Promise.all([send(), send()])).toEqual([200, 200]);
      expect(own.openSockets()).toBe(2);
      agent.destroy();
      await until(() => own.openSockets() === 0);
    } finally {
      await own.close();
    }
  });

  it('close() ends open connections, rejects waiters and stops listening', async () => {
    const own = await startUploadServer();
    const pending = own.waitFor(byIdIs('nothing'));
    const req = http.request(`${own.uploadUrl}?neverEnd=1`, { method: 'POST', agent: false });
    const closed = new Promise<void>((resolve) => req.on('close', resolve));
    req.on('error', () => undefined);
    await new Promise<void>((resolve) => {
      req.on('response', (res) => {
        res.on('error', () => undefined);
        res.resume();
        resolve();
      });
      req.end('x');
    });
    expect(own.openSockets()).toBe(1);

    await own.close();
    await closed;
    expect(own.openSockets()).toBe(0);
    await expect(pending).rejects.toThrow('upload server closed');
    const refused = await requestError(own.uploadUrl, Buffer.from('x'));
    expect(refused.code).toBe('ECONNREFUSED');
  });
});

describe('faultTimes', () => {
  it('applies the faults to the first n requests of an id only', async () => {
    const server = await startUploadServer();
    try {
      const url = `${server.uploadUrl}?id=ft&status=503&faultTimes=1`;
      const first = await fetch(url, { method: 'POST', body: 'a' });
      const second = await fetch(url, { method: 'POST', body: 'a' });
      expect([first.status, second.status]).toEqual([503, 200]);
      expect(server.byId('ft')).toHaveLength(2);
    } finally {
      await server.close();
    }
  });
});
