/**
 * `request.agent` uploads of the emulation against the real upload server.
 * Section numbers refer to /work/shared/reference/ohos-platform.md; "SDK" means the doc comments of
 * /work/shared/ohos-sdk/api/@ohos.request.d.ts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import request from '@ohos.request';
import type { UploadServer } from '../../server/types';
import { configureEmulation, emulationStats, resetEmulation } from '../control';
import { BUNDLE_NAME, getSandbox } from '../sandbox';
import {
  CACHE_DIR,
  cacheFile,
  closedRecord,
  context,
  errorCode,
  FILES_DIR,
  NOTHING_LIVE,
  recordAgent,
  refusedUrl,
  sleep,
  summaryOf,
  uploadUrl,
  withServer,
} from '../test-helpers';

const { Action, Mode, State, Faults } = request.agent;
type Config = request.agent.Config;

let server: UploadServer;

beforeAll(async () => {
  server = await withServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  await resetEmulation();
});

function upload(url: string, path: string, extra: Partial<Config> = {}): Config {
  return { action: Action.UPLOAD, url, data: [{ name: 'file', value: { path } }], ...extra };
}

async function run(config: Config) {
  const task = await request.agent.create(context(), config);
  const recorder = recordAgent(task);
  await task.start();
  return { task, ...recorder };
}

describe('agent: create and start (§1b; SDK create/Task)', () => {
  it('create only queues: INITIALIZED, numeric tid, nothing sent until start()', async () => {
    await cacheFile('queued.txt', 'queued');
    const config = upload(uploadUrl(server, { id: 'queued' }), 'queued.txt');
    const task = await request.agent.create(context(), config);
    expect(task.tid).toMatch(/^\d+$/);
    expect(task.config).toBe(config);
    expect((await request.agent.show(task.tid)).progress.state).toBe(State.INITIALIZED);
    await sleep(100);
    expect(server.byId('queued')).toHaveLength(0);
    const { done } = recordAgent(task);
    await task.start();
    expect((await done).type).toBe('completed');
    expect(server.byId('queued')).toHaveLength(1);
    await request.agent.remove(task.tid);
  });

  it('the default method is PUT: without a multipart Content-Type header the file is the raw body, fields dropped (§1b)', async () => {
    const sha = await cacheFile('put.bin', { size: 70_000, seed: 11 });
    const { done } = await run({
      ...upload(uploadUrl(server, { id: 'agent-put' }), 'put.bin'),
      data: [
        { name: 'dropped', value: 'x' },
        { name: 'file', value: { path: 'put.bin' } },
      ],
    });
    expect((await done).type).toBe('completed');
    const record = server.byId('agent-put')[0];
    expect(record?.method).toBe('PUT');
    expect(record?.summary?.raw).toEqual({ size: 70_000, sha256: sha, contentType: 'application/octet-stream' });
    expect(record?.summary?.fields).toEqual({});
  });

  it('POST is multipart with every field; "completed" has state COMPLETED, processed = size, flat lower-cased extras with the body', async () => {
    const sha = await cacheFile('form.png', { size: 123_456, seed: 12 });
    const { events, done } = await run({
      ...upload(uploadUrl(server, { id: 'agent-post', 'header.X-Trace': 'abc' }), 'form.png'),
      method: 'POST',
      data: [
        { name: 'title', value: 'hello' },
        { name: 'pic', value: { path: './form.png', filename: 'x.png', mimeType: 'image/png' } },
      ],
    });
    const end = await done;
    expect(end.type).toBe('completed');
    const record = server.byId('agent-post')[0];
    expect(record?.summary?.fields).toEqual({ title: 'hello' });
    expect(record?.summary?.files).toEqual([
      { field: 'pic', filename: 'x.png', contentType: 'image/png', size: 123_456, sha256: sha },
    ]);
    const progress = end.progress;
    expect(progress).toMatchObject({ state: State.COMPLETED, index: 0, processed: 123_456, sizes: [123_456] });
    const extras = progress.extras as Record<string, unknown>;
    expect(extras['x-trace']).toBe('abc');
    expect(extras['content-type']).toBe('application/json; charset=utf-8');
    expect(Object.keys(extras).every((key) => key === key.toLowerCase())).toBe(true);
    expect(summaryOf(extras.body).files[0]?.sha256).toBe(sha);
    // response → final progress (RUNNING) → completed (§1a ordering, running_task.rs).
    expect(events.map((e) => e.type)).toEqual(['response', 'progress', 'completed']);
    expect(events[1]?.type === 'progress' && events[1].progress.state).toBe(State.RUNNING);
  });

  it('FOREGROUND with "Content-Type: multipart/form-data" is multipart even with PUT (§1a rule)', async () => {
    await cacheFile('fg.txt', 'foreground');
    const { done } = await run({
      ...upload(uploadUrl(server, { id: 'agent-fg' }), 'fg.txt'),
      mode: Mode.FOREGROUND,
      headers: { 'Content-Type': 'multipart/form-data', 'X-Token': 't' },
      data: [
        { name: 'a', value: '1' },
        { name: 'file', value: { path: 'fg.txt' } },
      ],
    });
    expect((await done).type).toBe('completed');
    const record = server.byId('agent-fg')[0];
    expect(record?.method).toBe('PUT');
    expect(record?.summary?.fields).toEqual({ a: '1' });
    expect(record?.headers['x-token']).toBe('t');
  });

  it('several FileSpecs are one request each; "completed" reports the last file (index, processed of that file)', async () => {
    await cacheFile('one.bin', { size: 1000, seed: 1 });
    await cacheFile('two.bin', { size: 2000, seed: 2 });
    const { events, done } = await run({
      ...upload(uploadUrl(server, { id: 'agent-multi' }), 'one.bin'),
      method: 'POST',
      data: [{ name: 'files', value: [{ path: 'one.bin' }, { path: 'two.bin' }] }],
    });
    const end = await done;
    expect(end.progress).toMatchObject({ state: State.COMPLETED, index: 1, processed: 2000, sizes: [1000, 2000] });
    expect(server.byId('agent-multi').map((r) => r.summary?.files[0]?.size)).toEqual([1000, 2000]);
    expect(events.filter((e) => e.type === 'response')).toHaveLength(2);
  });

  it('a body that is not UTF-8 is an ArrayBuffer in extras.body (§1b Progress.extras)', async () => {
    await cacheFile('b.txt', 'b');
    const bytes = Buffer.from([0xc3, 0x28, 0xff]);
    const { done } = await run({
      ...upload(uploadUrl(server, { bodyB64: bytes.toString('base64') }), 'b.txt'),
      method: 'POST',
    });
    const body = ((await done).progress.extras as Record<string, unknown>).body;
    expect(body).toBeInstanceOf(ArrayBuffer);
    expect(Buffer.from(body as ArrayBuffer)).toEqual(bytes);
  });

  it('callback forms: create and start call back with a null error (API 10)', async () => {
    await cacheFile('cb.txt', 'cb');
    const [createError, task] = await new Promise<[unknown, request.agent.Task]>((resolve) =>
      request.agent.create(context(), upload(server.uploadUrl, 'cb.txt'), (err, t) => resolve([err, t])),
    );
    expect(createError).toBeNull();
    const { done } = recordAgent(task);
    const startError = await new Promise<unknown>((resolve) => task.start((err) => resolve(err)));
    expect(startError).toBeNull();
    expect((await done).type).toBe('completed');
  });
});

describe('agent: HTTP errors and response (§1b on("response"), SDK HttpResponse)', () => {
  it('4xx: "response" carries the status, reason, version and a Map of lower-cased headers; then "failed" without body', async () => {
    await cacheFile('nf.txt', 'not found');
    const { events, done, task } = await run({
      ...upload(uploadUrl(server, { status: 404, 'header.X-Why': 'gone' }), 'nf.txt'),
      method: 'POST',
    });
    const end = await done;
    expect(end.type).toBe('failed');
    expect(end.progress.state).toBe(State.FAILED);
    expect((end.progress.extras as Record<string, unknown>).body).toBe('');
    const response = events.find((e) => e.type === 'response');
    expect(response?.type === 'response' && response.response).toMatchObject({
      version: 'HTTP/1.1',
      statusCode: 404,
      reason: 'Not Found',
    });
    const headers = response?.type === 'response' ? response.response.headers : undefined;
    expect(headers).toBeInstanceOf(Map);
    expect(headers?.get('x-why')).toEqual(['gone']);
    expect(events.map((e) => e.type)).toEqual(['response', 'progress', 'failed']);
    const info = await request.agent.show(task.tid);
    expect(info.faults).toBe(Faults.PROTOCOL);
    expect(info.reason).toBe('Http protocol error');
  });

  it('a status without a canonical reason phrase (522) sends no "response"; show() says only "Http protocol error"', async () => {
    await cacheFile('np.txt', 'no phrase');
    const { events, done, task } = await run(upload(uploadUrl(server, { status: 522 }), 'np.txt'));
    expect((await done).type).toBe('failed');
    expect(events.map((e) => e.type)).toEqual(['progress', 'failed']);
    const info = await request.agent.show(task.tid);
    expect(info.faults).toBe(Faults.PROTOCOL);
    expect(info.reason).toBe('Http protocol error');
  });

  it('newer firmware (statusInProtocolError) names the status in show().reason: "Http protocol error: 404 Not Found", "...: 522"', async () => {
    configureEmulation({ statusInProtocolError: true });
    await cacheFile('named.txt', 'named');
    for (const [status, reason] of [
      [404, 'Http protocol error: 404 Not Found'],
      [522, 'Http protocol error: 522'],
    ] as const) {
      const { done, task } = await run(upload(uploadUrl(server, { status }), 'named.txt'));
      expect((await done).type).toBe('failed');
      expect((await request.agent.show(task.tid)).reason).toBe(reason);
    }
  });

  it('a 2xx without a reason phrase (299) completes without "response"; the headers are in the completed extras', async () => {
    await cacheFile('ok299.txt', 'two nine nine');
    const { events, done } = await run(
      upload(uploadUrl(server, { status: 299, body: 'fine', 'header.X-Marker': 'here' }), 'ok299.txt'),
    );
    const end = await done;
    expect(end.type).toBe('completed');
    expect(events.some((e) => e.type === 'response')).toBe(false);
    expect(end.progress.extras).toMatchObject({ 'x-marker': 'here', 'content-length': '4', body: 'fine' });
  });

  it('5xx fails the same way; the status is only known from "response"', async () => {
    await cacheFile('se.txt', 'server error');
    const { events, done } = await run(upload(uploadUrl(server, { status: 503 }), 'se.txt'));
    expect((await done).type).toBe('failed');
    expect(
      events.filter((e) => e.type === 'response').map((e) => e.type === 'response' && e.response.statusCode),
    ).toEqual([503]);
  });

  it('redirect 307 is followed (body sent again); only the final response is reported', async () => {
    const sha = await cacheFile('r.bin', { size: 30_000, seed: 13 });
    const { events, done } = await run({
      ...upload(uploadUrl(server, { id: 'r307', redirect: 307, to: '/upload?id=r307-target' }), 'r.bin'),
      method: 'POST',
    });
    expect((await done).type).toBe('completed');
    expect(server.byId('r307-target')[0]?.summary?.files[0]?.sha256).toBe(sha);
    expect(events.flatMap((e) => (e.type === 'response' ? [e.response.statusCode] : []))).toEqual([200]);
  });

  it('redirect 303 turns into a GET without body (the upload endpoint then answers 405: failed)', async () => {
    await cacheFile('r303.txt', 'see other');
    const { events, done } = await run({ ...upload(uploadUrl(server, { redirect: 303 }), 'r303.txt'), method: 'POST' });
    expect((await done).type).toBe('failed');
    expect(events.flatMap((e) => (e.type === 'response' ? [e.response.statusCode] : []))).toEqual([405]);
  });

  it('redirect: false reports the 3xx and fails (a 3xx is a protocol error, upload.rs)', async () => {
    await cacheFile('nr.txt', 'no redirect');
    const { events, done } = await run({ ...upload(uploadUrl(server, { redirect: 302 }), 'nr.txt'), redirect: false });
    expect((await done).type).toBe('failed');
    expect(events.flatMap((e) => (e.type === 'response' ? [e.response.statusCode] : []))).toEqual([302]);
  });
});

describe('agent: progress (§1a throttling; SDK Progress)', () => {
  it('is throttled per interval, RUNNING, processed in file bytes, plus a final one before "completed"', async () => {
    configureEmulation({ progressIntervalMs: 100 });
    const size = 12 * 1024 * 1024;
    await cacheFile('p.bin', { size, seed: 14 });
    const started = Date.now();
    const { events, done } = await run(upload(uploadUrl(server, { readBps: 12 * 1024 * 1024 }), 'p.bin'));
    await done;
    const elapsed = Date.now() - started;
    const progress = events.flatMap((e) => (e.type === 'progress' ? [e.progress] : []));
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 1);
    expect(progress.every((p) => p.state === State.RUNNING && p.index === 0 && p.sizes[0] === size)).toBe(true);
    const processed = progress.map((p) => p.processed);
    expect([...processed].sort((a, b) => a - b)).toEqual(processed);
    expect(processed.at(-1)).toBe(size);
    expect(events.at(-2)?.type).toBe('progress');
  });
});

describe('agent: FileSpec.path rules and errors (SDK FileSpec.path; §1b)', () => {
  it.each([
    ['relative', 'rules/a.txt'],
    ['./relative', './rules/a.txt'],
    ['internal://cache/', 'internal://cache/rules/a.txt'],
    ['absolute el2', `${CACHE_DIR}/rules/a.txt`],
    ['file:// own bundle', `file://${BUNDLE_NAME}${CACHE_DIR}/rules/a.txt`],
    ['.. inside the area', `${FILES_DIR}/../cache/rules/a.txt`],
  ])('%s path uploads the file', async (_kind, path) => {
    const sha = await cacheFile('rules/a.txt', 'rules');
    const { done } = await run({ ...upload(uploadUrl(server, { id: `rule-${_kind}` }), path), method: 'POST' });
    expect((await done).type).toBe('completed');
    expect(server.byId(`rule-${_kind}`)[0]?.summary?.files[0]?.sha256).toBe(sha);
  });

  it('an el1 base path uploads too', async () => {
    await getSandbox().writeFile('/data/storage/el1/base/early.txt', 'el1');
    const { done } = await run(upload(server.uploadUrl, '/data/storage/el1/base/early.txt'));
    expect((await done).type).toBe('completed');
  });

  it('paths outside the app storage, of another bundle, or escaping with .. are 401', async () => {
    await cacheFile('ok.txt', 'ok');
    const ctx = context();
    for (const path of [
      '/etc/passwd',
      'file://com.other.app/data/storage/el2/base/x.txt',
      '../../../../../../etc/passwd',
      '/data/storage/el3/x',
    ]) {
      expect(await errorCode(() => request.agent.create(ctx, upload(server.uploadUrl, path))), path).toBe(401);
    }
  });

  it('a missing file or a directory is 13400001 (agent path, js_initialize.cpp GetFdUpload)', async () => {
    const ctx = context();
    expect(await errorCode(() => request.agent.create(ctx, upload(server.uploadUrl, 'missing.txt')))).toBe(13400001);
    expect(await errorCode(() => request.agent.create(ctx, upload(server.uploadUrl, CACHE_DIR)))).toBe(13400001);
  });

  it('user files: 401 for BACKGROUND tasks; FOREGROUND cannot open them on the emulated device (13400001)', async () => {
    const ctx = context();
    const media = 'file://media/Photo/1/IMG_1.jpg';
    expect(await errorCode(() => request.agent.create(ctx, upload(server.uploadUrl, media)))).toBe(401);
    expect(
      await errorCode(() => request.agent.create(ctx, upload(server.uploadUrl, media, { mode: Mode.FOREGROUND }))),
    ).toBe(13400001);
  });

  it('config checks throw 401 synchronously (SDK create @throws 401); download is not emulated (801)', async () => {
    await cacheFile('cfg.txt', 'cfg');
    const ctx = context();
    const good = upload(server.uploadUrl, 'cfg.txt');
    const { action: _action, ...noAction } = good;
    const bad: Array<[string, unknown]> = [
      ['no action', noAction],
      ['bad url', { ...good, url: 'ws://x/y' }],
      ['long url', { ...good, url: `http://x/${'a'.repeat(2048)}` }],
      ['no file', { ...good, data: [{ name: 'only', value: 'field' }] }],
      ['no data', { ...good, data: undefined }],
      ['string data', { ...good, data: 'text' }],
      ['index too large', { ...good, index: 1 }],
      ['short token', { ...good, token: 'short' }],
      ['long title', { ...good, title: 't'.repeat(257) }],
      ['empty path', { ...good, data: [{ name: 'file', value: { path: ' ' } }] }],
    ];
    for (const [label, config] of bad) {
      expect(() => request.agent.create(ctx, config as Config), label).toThrow(expect.objectContaining({ code: 401 }));
    }
    expect(await errorCode(() => request.agent.create(ctx, { ...good, action: Action.DOWNLOAD }))).toBe(801);
    expect(await errorCode(() => request.agent.create({ stageMode: true }, good))).toBe(401);
  });
});

describe('agent: start/stop/remove (SDK Task, remove; §1b)', () => {
  it('remove() mid-upload closes the connection; no completion event follows; the task is gone (21900006)', async () => {
    await cacheFile('long.bin', { size: 8 * 1024 * 1024, seed: 15 });
    const { task, events } = await run(upload(uploadUrl(server, { id: 'removed', readBps: 1024 * 1024 }), 'long.bin'));
    const removeEvents: request.agent.Progress[] = [];
    task.on('remove' as 'progress', (p) => removeEvents.push(p));
    await server.waitFor((r) => r.id === 'removed' && r.bytesReceived > 0);
    await request.agent.remove(task.tid);
    const record = await closedRecord(server, 'removed');
    expect(record.clientAborted).toBe(true);
    await sleep(300);
    expect(events.some((e) => e.type === 'completed' || e.type === 'failed')).toBe(false);
    expect(removeEvents.map((p) => p.state)).toEqual([State.REMOVED]);
    expect(emulationStats()).toEqual(NOTHING_LIVE);
    expect(await errorCode(() => request.agent.remove(task.tid))).toBe(21900006);
    expect(await errorCode(() => request.agent.show(task.tid))).toBe(21900006);
    expect(await errorCode(() => task.start())).toBe(21900006);
  });

  it('remove() of an unknown id rejects with 21900006; a non-string id throws 401', async () => {
    expect(await errorCode(() => request.agent.remove('123'))).toBe(21900006);
    expect(() => request.agent.remove(7 as unknown as string)).toThrow(expect.objectContaining({ code: 401 }));
  });

  it('start() twice is 21900007; stop() before start is 21900007', async () => {
    await cacheFile('twice.txt', 'twice');
    const task = await request.agent.create(context(), upload(server.uploadUrl, 'twice.txt'));
    expect(await errorCode(() => task.stop())).toBe(21900007);
    const { done } = recordAgent(task);
    await task.start();
    expect(await errorCode(() => task.start())).toBe(21900007);
    await done;
  });

  it('stop() mid-upload closes the connection and no event follows; the task stays until removed', async () => {
    await cacheFile('stop.bin', { size: 8 * 1024 * 1024, seed: 16 });
    const { task, events } = await run(upload(uploadUrl(server, { id: 'stopped', readBps: 1024 * 1024 }), 'stop.bin'));
    await server.waitFor((r) => r.id === 'stopped' && r.bytesReceived > 0);
    await task.stop();
    expect((await closedRecord(server, 'stopped')).clientAborted).toBe(true);
    const count = events.length;
    await sleep(300);
    expect(events.length).toBe(count);
    expect((await request.agent.show(task.tid)).progress.state).toBe(State.STOPPED);
    expect(emulationStats()).toMatchObject({ agentTasks: 1, openSockets: 0 });
    await request.agent.remove(task.tid);
    expect(emulationStats()).toEqual(NOTHING_LIVE);
  });

  it('off(event) without a callback removes all of that event (listeners count)', async () => {
    await cacheFile('off.txt', 'off');
    const task = await request.agent.create(context(), upload(server.uploadUrl, 'off.txt'));
    task.on('progress', () => undefined);
    task.on('progress', () => undefined);
    task.on('completed', () => undefined);
    expect(emulationStats().listeners).toBe(3);
    task.off('progress');
    expect(emulationStats().listeners).toBe(1);
    await request.agent.remove(task.tid);
    expect(emulationStats().listeners).toBe(0);
  });
});

describe('agent: network failures, mode and retry (SDK Config.retry "frontend task is always fast-fail"; §1b; §1c.8)', () => {
  it('FOREGROUND fails at the first refused connection; show() says TCP', async () => {
    configureEmulation({ retryIntervalMs: 200 });
    await cacheFile('fg-refused.txt', 'x');
    const started = Date.now();
    const { task, done } = await run(upload(await refusedUrl(), 'fg-refused.txt', { mode: Mode.FOREGROUND }));
    expect((await done).type).toBe('failed');
    expect(Date.now() - started).toBeLessThan(200);
    const info = await request.agent.show(task.tid);
    expect(info.faults).toBe(Faults.TCP);
    expect(info.reason).toBe('TCP error');
  });

  it('BACKGROUND (retry default true) sends again after a lost connection, a bounded number of times, state RETRYING', async () => {
    configureEmulation({ retryIntervalMs: 10 });
    await cacheFile('bg.bin', { size: 2 * 1024 * 1024, seed: 17 });
    const { task, events, done } = await run(upload(uploadUrl(server, { id: 'bg-retry', resetAfter: 1000 }), 'bg.bin'));
    expect((await done).type).toBe('failed');
    expect(server.byId('bg-retry')).toHaveLength(5);
    expect(events.find((e) => e.type === 'progress' && e.progress.state === State.RETRYING)).toBeDefined();
    expect((await request.agent.show(task.tid)).faults).toBe(Faults.OTHERS);
  });

  it('FOREGROUND: a server that never answers ends in the total timeout (Faults.TIMEOUT), without retries', async () => {
    configureEmulation({ totalTimeoutMs: 150 });
    await cacheFile('slow-answer.txt', 'x');
    const { task, done } = await run(
      upload(uploadUrl(server, { id: 'fg-timeout', delayHeadersMs: 10_000 }), 'slow-answer.txt', {
        mode: Mode.FOREGROUND,
      }),
    );
    expect((await done).type).toBe('failed');
    expect(server.byId('fg-timeout')).toHaveLength(1);
    const info = await request.agent.show(task.tid);
    expect(info.faults).toBe(Faults.TIMEOUT);
    expect(info.reason).toBe('Continuous processing task time out');
  });

  it('BACKGROUND with retry: false fails at once', async () => {
    await cacheFile('noretry.bin', { size: 2 * 1024 * 1024, seed: 18 });
    const { done } = await run(
      upload(uploadUrl(server, { id: 'no-retry', resetAfter: 1000 }), 'noretry.bin', { retry: false }),
    );
    expect((await done).type).toBe('failed');
    expect(server.byId('no-retry')).toHaveLength(1);
  });
});
