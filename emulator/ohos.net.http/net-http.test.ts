/**
 * The `@ohos.net.http` emulation against the real upload server: each behaviour the library relies on, as
 * docs/platform/ohos.net.http.md describes it with its source.
 */
import { describe, expect, it } from 'vitest';
import http from '@ohos.net.http';
import { emulationStats } from '../control';
import { BUNDLE_NAME, getSandbox } from '../sandbox';
import {
  FILES_DIR,
  IDLE_STATS,
  refusedUrl,
  silentServer,
  sleep,
  summaryOf,
  uploadUrl,
  useServer,
} from '../test-helpers';
import type { HttpRequestEmulation } from './http-request';

const env = useServer();

const MULTIPART = { 'content-type': 'multipart/form-data' };

type Seen =
  | { type: 'headers'; header: Record<string, unknown> }
  | { type: 'data'; bytes: number }
  | { type: 'progress'; sendSize: number; totalSize: number }
  | { type: 'dataEnd' };

interface Outcome {
  status?: number;
  error?: { code: unknown; message: unknown };
  events: Seen[];
  body: string;
  request: http.HttpRequest;
}

/** Listens to every event of a new HttpRequest and starts requestInStream; `done` resolves with what was seen. */
function start(
  url: string,
  options: http.HttpRequestOptions,
): { request: http.HttpRequest; events: Seen[]; done: Promise<Outcome> } {
  const request = http.createHttp();
  const events: Seen[] = [];
  const chunks: Buffer[] = [];
  request.on('headersReceive', (header) => events.push({ type: 'headers', header: header as Record<string, unknown> }));
  request.on('dataReceive', (data) => {
    chunks.push(Buffer.from(data));
    events.push({ type: 'data', bytes: data.byteLength });
  });
  request.on('dataSendProgress', (p) => events.push({ type: 'progress', ...p }));
  (request as HttpRequestEmulation).on('dataEnd', () => events.push({ type: 'dataEnd' }));
  const done = request.requestInStream(url, options).then(
    (status): Outcome => ({ status, events, body: Buffer.concat(chunks).toString(), request }),
    (err: { code: unknown; message: unknown }): Outcome => ({
      error: { code: err.code, message: err.message },
      events,
      body: Buffer.concat(chunks).toString(),
      request,
    }),
  );
  return { request, events, done };
}

function send(url: string, options: http.HttpRequestOptions): Promise<Outcome> {
  return start(url, options).done;
}

function form(path: string, extra: Partial<http.MultiFormData> = {}): http.HttpRequestOptions {
  return {
    method: http.RequestMethod.POST,
    header: MULTIPART,
    multiFormDataList: [
      { name: 'title', contentType: '', data: 'hello' },
      { name: 'file', contentType: 'application/octet-stream', filePath: path, ...extra },
    ],
  };
}

async function sandboxFile(name: string, size: number, seed = 1): Promise<{ path: string; sha256: string }> {
  const path = `${FILES_DIR}/net-http/${name}`;
  return { path, sha256: await getSandbox().writeFile(path, { size, seed }) };
}

const types = (events: Seen[]): string[] => events.map((e) => e.type).filter((t, i, a) => t !== a[i - 1]);
const headerEvents = (events: Seen[]): Array<Record<string, unknown>> =>
  events.flatMap((e) => (e.type === 'headers' ? [e.header] : []));
const progressEvents = (events: Seen[]) => events.flatMap((e) => (e.type === 'progress' ? [e] : []));

describe('a form upload with requestInStream (SDK MultiFormData, HttpRequestOptions.multiFormDataList)', () => {
  it('streams a sandbox file: the server gets its bytes and the fields, named after the path, in a curl boundary', async () => {
    const file = await sandboxFile('photo.png', 300_000, 2);
    const r = await send(uploadUrl(env.server, { id: 'stream' }), {
      ...form(file.path, { contentType: 'image/png' }),
      header: { ...MULTIPART, 'X-Number': 7, 'X-Flag': true },
    });
    expect(r.status).toBe(200);
    const record = env.server.byId('stream')[0];
    expect(record?.summary?.files).toEqual([
      { field: 'file', filename: 'photo.png', contentType: 'image/png', size: 300_000, sha256: file.sha256 },
    ]);
    expect(record?.summary?.fields).toEqual({ title: 'hello' });
    expect(record?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=-{24}[A-Za-z0-9]{22}$/);
    expect(record?.headers).toMatchObject({ 'x-number': '7', 'x-flag': 'true', accept: '*/*' });
    expect(summaryOf(r.body).files[0]?.sha256).toBe(file.sha256);
    // Progress while sending, then the header block, the body, dataEnd; the promise after them all.
    expect(types(r.events)).toEqual(['progress', 'headers', 'data', 'dataEnd']);
    await expect.poll(() => emulationStats()).toMatchObject({ httpRequests: 1, httpTransfers: 0, openSockets: 0 });
    r.request.destroy();
    expect(emulationStats()).toEqual(IDLE_STATS);
  });

  it('several file parts, repeated names too, go in the one body in list order; the send count covers them all', async () => {
    const a = await sandboxFile('a.jpg', 200_000, 3);
    const b = await sandboxFile('b.jpg', 150_000, 4);
    const r = await send(uploadUrl(env.server, { id: 'several' }), {
      method: http.RequestMethod.POST,
      header: MULTIPART,
      multiFormDataList: [
        { name: 'title', contentType: '', data: 'hello' },
        { name: 'photos', contentType: 'image/jpeg', filePath: a.path },
        { name: 'photos', contentType: 'image/jpeg', filePath: b.path },
        { name: 'again', contentType: 'image/jpeg', filePath: a.path },
      ],
    });
    expect(r.status).toBe(200);
    const records = env.server.byId('several');
    expect(records).toHaveLength(1);
    expect(records[0]?.summary?.files).toEqual([
      { field: 'photos', filename: 'a.jpg', contentType: 'image/jpeg', size: 200_000, sha256: a.sha256 },
      { field: 'photos', filename: 'b.jpg', contentType: 'image/jpeg', size: 150_000, sha256: b.sha256 },
      { field: 'again', filename: 'a.jpg', contentType: 'image/jpeg', size: 200_000, sha256: a.sha256 },
    ]);
    const last = progressEvents(r.events).at(-1);
    expect(last?.totalSize).toBe(Number(records[0]?.headers['content-length']));
    expect(last?.totalSize).toBeGreaterThan(550_000);
    expect(last?.sendSize).toBe(last?.totalSize);
    r.request.destroy();
  });

  it.each([
    ['with a boundary', { 'content-type': 'multipart/form-data; boundary=abc' }],
    ['without a content-type (application/json is the default)', {}],
  ])('drops the form silently unless content-type is exactly multipart/form-data: %s', async (_label, header) => {
    const file = await sandboxFile('dropped.bin', 5000);
    const id = `gate-${Object.keys(header).length}`;
    const r = await send(uploadUrl(env.server, { id }), { ...form(file.path), header });
    expect(r.error === undefined || r.status === undefined).toBe(true);
    const record = await env.server.waitFor((x) => x.id === id && x.endedAt !== undefined);
    expect(record.method).toBe('POST');
    expect(record.bytesReceived).toBe(0);
    expect(record.headers['content-length']).toBeUndefined();
    expect(record.headers['content-type']).toBe(Object.values(header)[0] ?? 'application/json');
  });

  it('takes the header name and value in any case', async () => {
    const file = await sandboxFile('case.bin', 5000, 3);
    const r = await send(uploadUrl(env.server, { id: 'case' }), {
      ...form(file.path),
      header: { 'Content-Type': 'MULTIPART/FORM-DATA' },
    });
    expect(r.status).toBe(200);
    expect(env.server.byId('case')[0]?.summary?.files[0]?.sha256).toBe(file.sha256);
  });

  it.each([
    ['a file:// URI', `file://${BUNDLE_NAME}${FILES_DIR}/net-http/uri.bin`],
    ['internal://cache/', 'internal://cache/uri.bin'],
    ['a media URI', 'file://media/Photo/1/IMG_1/IMG_1.jpg'],
  ])(
    'fails with 2300026 when the body is read for %s (only sandbox paths are files); no send progress',
    async (_label, path) => {
      await getSandbox().writeFile(`${FILES_DIR}/net-http/uri.bin`, 'in the sandbox');
      await getSandbox().writeFile('/data/storage/el2/base/haps/entry/cache/uri.bin', 'in the cache');
      const r = await send(env.server.uploadUrl, form(path));
      expect(r.error).toEqual({ code: 2300026, message: 'Failed to open/read local data from file/application' });
      expect(progressEvents(r.events)).toEqual([]);
    },
  );

  it('skips a part without name or without data and filePath; an empty string is no data; data wins over filePath', async () => {
    const file = await sandboxFile('skipped.bin', 1000, 4);
    const r = await send(uploadUrl(env.server, { id: 'skip' }), {
      method: http.RequestMethod.POST,
      header: MULTIPART,
      multiFormDataList: [
        { name: '', contentType: '', data: 'no name' },
        { name: 'empty', contentType: '', data: '' },
        { name: 'both', contentType: '', data: 'data', filePath: file.path },
        { name: 'file', contentType: 'application/octet-stream', filePath: file.path },
      ],
    });
    expect(r.status).toBe(200);
    const summary = env.server.byId('skip')[0]?.summary;
    expect(summary?.fields).toEqual({ both: 'data' });
    expect(summary?.files.map((f) => f.field)).toEqual(['file']);
  });

  it('with remoteFileName reads the whole file into memory (OpenHarmony 5.0.0 to 7.0-Beta1), and the part takes that name', async () => {
    const size = 12 * 1024 * 1024;
    const file = await sandboxFile('whole.bin', size, 5);
    const streamed = send(uploadUrl(env.server, { id: 'streamed', readBps: 16 * 1024 * 1024 }), form(file.path));
    await env.server.waitFor((x) => x.id === 'streamed' && x.bytesReceived > 1024 * 1024);
    expect(emulationStats().httpBytesInMemory).toBe(0);
    expect((await streamed).status).toBe(200);
    const read = send(
      uploadUrl(env.server, { id: 'read', readBps: 16 * 1024 * 1024 }),
      form(file.path, { remoteFileName: 'other.bin' }),
    );
    await env.server.waitFor((x) => x.id === 'read' && x.bytesReceived > 1024 * 1024);
    expect(emulationStats().httpBytesInMemory).toBe(size);
    expect((await read).status).toBe(200);
    expect(emulationStats().httpBytesInMemory).toBe(0);
    expect(env.server.byId('read')[0]?.summary?.files[0]).toMatchObject({ filename: 'other.bin', sha256: file.sha256 });
  });
});

describe('the answer (SDK requestInStream, on("headersReceive"), on("dataReceive"), on("dataEnd"))', () => {
  it.each([
    [404, 'not here'],
    [522, 'origin down'],
    [299, 'fine'],
  ])('a %i resolves with that number and its body arrives in dataReceive', async (status, body) => {
    const file = await sandboxFile('status.bin', 2000, 6);
    const r = await send(uploadUrl(env.server, { status, body }), form(file.path));
    expect(r.status).toBe(status);
    expect(r.body).toBe(body);
    expect(types(r.events).slice(-3)).toEqual(['headers', 'data', 'dataEnd']);
  });

  it('a body above 1 MiB waits for 100 Continue: a first header block {} and the final one, cumulative, lower-cased, no status', async () => {
    const file = await sandboxFile('continue.bin', 2 * 1024 * 1024, 7);
    const r = await send(uploadUrl(env.server, { id: 'continue', 'header.X-Trace': 'abc' }), form(file.path));
    expect(r.status).toBe(200);
    expect(env.server.byId('continue')[0]?.headers.expect).toBe('100-continue');
    const blocks = headerEvents(r.events);
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toEqual({});
    expect(blocks[1]).toMatchObject({ 'x-trace': 'abc', 'content-type': 'application/json; charset=utf-8' });
    expect(Object.keys(blocks[1] ?? {}).every((k) => k === k.toLowerCase() && !k.startsWith('http/'))).toBe(true);
    // The 100 block comes before the body is sent.
    expect(r.events.findIndex((e) => e.type === 'headers')).toBeLessThan(
      r.events.findIndex((e) => e.type === 'progress' && e.sendSize > 1024 * 1024),
    );
  });

  it('each redirect hop is a header block, and the final map keeps what only the hop had; a 302 is followed as a POST without body', async () => {
    const file = await sandboxFile('302.bin', 5000, 8);
    const r = await send(
      uploadUrl(env.server, { id: 'r302', redirect: 302, 'header.Set-Cookie': 'a=1' }),
      form(file.path),
    );
    // The upload URL answers a form without body with 400.
    expect(r.status).toBe(400);
    const blocks = headerEvents(r.events);
    expect(blocks).toHaveLength(2);
    expect(blocks[0]?.location).toBeDefined();
    expect(blocks[1]?.location).toBe(blocks[0]?.location);
    // set-cookie is an array; each parse of the whole buffer adds the earlier blocks' cookies again (the
    // final 400 sets none).
    expect(blocks[0]?.['set-cookie']).toEqual(['a=1']);
    expect(blocks[1]?.['set-cookie']).toEqual(['a=1', 'a=1']);
    const records = env.server.byId('r302');
    expect(records.map((x) => [x.method, x.bytesReceived > 0])).toEqual([
      ['POST', true],
      ['POST', false],
    ]);
    expect(records[1]?.headers['content-type']).toBe('multipart/form-data');
  });

  it('a 307 sends the whole body again; the send count starts over', async () => {
    const file = await sandboxFile('307.bin', 400_000, 9);
    const r = await send(uploadUrl(env.server, { id: 'r307', redirect: 307 }), form(file.path));
    expect(r.status).toBe(200);
    const records = env.server.byId('r307');
    expect(records.map((x) => x.summary?.files[0]?.sha256)).toEqual([file.sha256, file.sha256]);
    const sent = progressEvents(r.events).map((p) => p.sendSize);
    expect(sent.some((v, i) => i > 0 && v < (sent[i - 1] ?? 0))).toBe(true);
  });
});

describe('dataSendProgress (SDK DataSendProgressInfo)', () => {
  it('comes about once per 64 KiB send buffer and counts the whole body: totalSize is the Content-Length', async () => {
    const size = 4 * 1024 * 1024;
    const file = await sandboxFile('progress.bin', size, 10);
    const r = await send(uploadUrl(env.server, { id: 'progress', readBps: 32 * 1024 * 1024 }), form(file.path));
    expect(r.status).toBe(200);
    const progress = progressEvents(r.events);
    const total = Number(env.server.byId('progress')[0]?.headers['content-length']);
    expect(total).toBeGreaterThan(size);
    expect(progress.every((p) => p.totalSize === total)).toBe(true);
    expect(progress.at(-1)?.sendSize).toBe(total);
    expect(progress.length).toBeGreaterThanOrEqual(size / (64 * 1024));
  });
});

describe('destroy() (SDK HttpRequest.destroy)', () => {
  it('only raises a flag: the body goes on to its end, the request fails with 2300023 once the answer comes, listeners still hear progress', async () => {
    // Far more than loopback's socket buffers hold (they grow to several MB), so the body is still going out
    // when destroy() is called.
    const file = await sandboxFile('destroyed.bin', 32 * 1024 * 1024, 11);
    const upload = start(uploadUrl(env.server, { id: 'destroyed', readBps: 32 * 1024 * 1024 }), form(file.path));
    await env.server.waitFor((x) => x.id === 'destroyed' && x.bytesReceived > 1024 * 1024);
    upload.request.destroy();
    const heardBefore = progressEvents(upload.events).length;
    expect(emulationStats()).toMatchObject({ httpRequests: 0, httpTransfers: 1 });
    const r = await upload.done;
    expect(r.error).toEqual({ code: 2300023, message: 'Failed writing received data to disk/application' });
    const record = env.server.byId('destroyed')[0];
    expect(record?.bodyComplete).toBe(true);
    expect(record?.responded).toBe(true);
    expect(progressEvents(r.events).length).toBeGreaterThan(heardBefore);
    expect(progressEvents(r.events).at(-1)?.sendSize).toBe(Number(record?.headers['content-length']));
    // The 100 Continue block came before destroy(); the answer's block was refused.
    expect(headerEvents(r.events)).toEqual([{}]);
    await expect.poll(() => emulationStats()).toEqual(IDLE_STATS);
  });

  it('before the 100 Continue has come, the body is never sent', async () => {
    const file = await sandboxFile('early.bin', 2 * 1024 * 1024, 12);
    const upload = start(uploadUrl(env.server, { id: 'early' }), form(file.path));
    upload.request.destroy();
    expect((await upload.done).error?.code).toBe(2300023);
    const record = await env.server.waitFor((x) => x.id === 'early' && x.closedAt !== undefined);
    expect(record.bytesReceived).toBe(0);
  });

  it('a request on a destroyed object fails with 2300999', async () => {
    const request = http.createHttp();
    request.destroy();
    await expect(request.requestInStream(env.server.uploadUrl, {})).rejects.toMatchObject({ code: 2300999 });
  });
});

describe('failures (SDK requestInStream @throws)', () => {
  it.each([
    ['a refused connection', async () => refusedUrl(), 2300007, "Couldn't connect to server"],
    [
      'a name that does not resolve',
      async () => 'http://no-such-host.invalid/upload',
      2300006,
      "Couldn't resolve host name",
    ],
    [
      'a reset while sending',
      async () => uploadUrl(env.server, { resetAfter: 64 * 1024 }),
      2300055,
      'Failed sending data to the peer',
    ],
    [
      'more than 300 KiB of response headers',
      async () => uploadUrl(env.server, { largeHeadersBytes: 400 * 1024 }),
      2300056,
      'Failure when receiving data from the peer',
    ],
  ])('%s: %i', async (_label, url, code, message) => {
    const file = await sandboxFile('fail.bin', 512 * 1024, 13);
    const r = await send(await url(), form(file.path));
    expect(r.error).toEqual({ code, message });
  });

  it('a server that reads the body and closes without a word: 2300052', async () => {
    const silent = await silentServer();
    try {
      const file = await sandboxFile('silent.bin', 10_000, 14);
      expect((await send(silent.url, form(file.path))).error).toEqual({
        code: 2300052,
        message: 'Server returned nothing (no headers, no data)',
      });
    } finally {
      await silent.close();
    }
  });

  it('readTimeout bounds the whole transfer, even while bytes flow: 2300028', async () => {
    const file = await sandboxFile('slow.bin', 2 * 1024 * 1024, 15);
    const started = Date.now();
    const r = await send(uploadUrl(env.server, { readBps: 512 * 1024 }), { ...form(file.path), readTimeout: 600 });
    expect(r.error).toEqual({ code: 2300028, message: 'Timeout was reached' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('arguments it cannot read: the promise rejects with 401, on()/off() throw code "401"', async () => {
    const request = http.createHttp();
    await expect(request.requestInStream(7 as unknown as string, {})).rejects.toMatchObject({
      code: 401,
      message: 'Parameter error',
    });
    expect(() => request.on('dataReceive', 'no' as unknown as () => void)).toThrow(
      expect.objectContaining({ code: '401' }),
    );
    request.destroy();
  });
});

describe('listeners (event_manager.cpp AddListener, DeleteListener)', () => {
  it('on() replaces the listener of that type; off(type, other) keeps it; off(type) removes it', async () => {
    const request = http.createHttp();
    const first = (): void => undefined;
    const second = (): void => undefined;
    request.on('dataReceive', first);
    request.on('dataReceive', second);
    request.on('headersReceive', first);
    expect(emulationStats().listeners).toBe(2);
    request.off('dataReceive', first);
    expect(emulationStats().listeners).toBe(2);
    request.off('dataReceive');
    expect(emulationStats().listeners).toBe(1);
    request.destroy();
    expect(emulationStats()).toEqual(IDLE_STATS);
    await sleep(0);
  });
});
