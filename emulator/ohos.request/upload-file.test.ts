/**
 * `request.uploadFile` / `UploadTask` of the emulation against the real upload server.
 * Section numbers refer to /work/shared/reference/ohos-platform.md.
 */
import { truncateSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import request from '@ohos.request';
import type { UploadServer } from '../../server/types';
import { configureEmulation, emulationStats, resetEmulation } from '../control';
import { getSandbox } from '../sandbox';
import {
  CACHE_DIR,
  cacheFile,
  closedRecord,
  context,
  errorCode,
  NOTHING_LIVE,
  recordLegacy,
  refusedUrl,
  silentServer,
  sleep,
  summaryOf,
  uploadUrl,
  withServer,
} from '../test-helpers';

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

function config(url: string, files: request.File[], extra: Partial<request.UploadConfig> = {}): request.UploadConfig {
  return { url, header: {}, method: 'POST', files, data: [], ...extra };
}

function file(uri: string, name = 'file'): request.File {
  return { filename: '', name, uri, type: '' };
}

describe('uploadFile: a real upload (§1a)', () => {
  it('sends the file as multipart with all data fields; the server gets the same bytes (sha256)', async () => {
    const sha = await cacheFile('photo.jpg', { size: 300_000, seed: 3 });
    const task = await request.uploadFile(
      context(),
      config(
        uploadUrl(server, { id: 'basic' }),
        [{ filename: 'p.jpg', name: 'upload', uri: 'internal://cache/photo.jpg', type: 'image/jpeg' }],
        {
          data: [
            { name: 'user', value: 'alice' },
            { name: 'note', value: 'héllo' },
          ],
        },
      ),
    );
    const { done } = recordLegacy(task);
    const end = await done;
    expect(end.type).toBe('complete');
    expect(end.states).toEqual([{ path: `${CACHE_DIR}/photo.jpg`, responseCode: 0, message: '' }]);
    const record = server.byId('basic')[0];
    expect(record?.method).toBe('POST');
    expect(record?.summary?.fields).toEqual({ user: 'alice', note: 'héllo' });
    expect(record?.summary?.files).toEqual([
      { field: 'upload', filename: 'p.jpg', contentType: 'image/jpeg', size: 300_000, sha256: sha },
    ]);
  });

  it('a bare relative uri is joined to context.cacheDir; name defaults to "file", filename to the base name (§1a File)', async () => {
    await cacheFile('sub/doc.txt', 'hello');
    const task = await request.uploadFile(
      context(),
      config(uploadUrl(server, { id: 'relative' }), [file('sub/doc.txt', '')]),
    );
    expect((await recordLegacy(task).done).type).toBe('complete');
    const uploaded = server.byId('relative')[0]?.summary?.files[0];
    expect(uploaded?.field).toBe('file');
    expect(uploaded?.filename).toBe('doc.txt');
  });

  it('multiple files are one request each, each carrying every field; headerReceive and TaskState per file (§1a, §1c.6)', async () => {
    const shaA = await cacheFile('a.bin', { size: 10_000, seed: 1 });
    const shaB = await cacheFile('b.bin', { size: 20_000, seed: 2 });
    const task = await request.uploadFile(
      context(),
      config(
        uploadUrl(server, { id: 'multi' }),
        [file('internal://cache/a.bin', 'first'), file('internal://cache/b.bin', 'second')],
        {
          data: [{ name: 'k', value: 'v' }],
        },
      ),
    );
    const { events, done } = recordLegacy(task);
    const end = await done;
    expect(end.type).toBe('complete');
    expect(end.states.map((s) => s.responseCode)).toEqual([0, 0]);
    const records = server.byId('multi');
    expect(records.map((r) => r.summary?.files.map((f) => [f.field, f.sha256]))).toEqual([
      [['first', shaA]],
      [['second', shaB]],
    ]);
    expect(records.map((r) => r.summary?.fields)).toEqual([{ k: 'v' }, { k: 'v' }]);
    expect(events.filter((e) => e.type === 'headerReceive')).toHaveLength(2);
  });

  it('headerReceive gives {headers (lower-cased, string values), body (string)}; event order headerReceive → final progress → complete (§1a)', async () => {
    await cacheFile('order.txt', 'order');
    const task = await request.uploadFile(
      context(),
      config(uploadUrl(server, { id: 'order', 'header.X-Custom-Thing': 'yes' }), [file('internal://cache/order.txt')]),
    );
    const { events, done } = recordLegacy(task);
    await done;
    expect(events.map((e) => e.type)).toEqual(['headerReceive', 'progress', 'complete']);
    const header =
      events[0]?.type === 'headerReceive'
        ? (events[0].header as { headers: Record<string, string>; body: unknown })
        : undefined;
    expect(header?.headers['x-custom-thing']).toBe('yes');
    expect(header?.headers['x-upload-id']).toBe('order');
    expect(Object.keys(header?.headers ?? {}).every((name) => name === name.toLowerCase())).toBe(true);
    expect(summaryOf(header?.body).files[0]?.size).toBe(5);
    expect(events[1]).toEqual({ type: 'progress', uploaded: 5, total: 5 });
  });

  it('a response body that is not UTF-8 arrives as an ArrayBuffer (§1a, Convert2JSHeadersAndBody)', async () => {
    await cacheFile('bin.txt', 'x');
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x80]);
    const task = await request.uploadFile(
      context(),
      config(uploadUrl(server, { bodyB64: bytes.toString('base64') }), [file('internal://cache/bin.txt')]),
    );
    const { events, done } = recordLegacy(task);
    await done;
    const header = events.find((e) => e.type === 'headerReceive');
    const body = header?.type === 'headerReceive' ? (header.header as { body: unknown }).body : undefined;
    expect(body).toBeInstanceOf(ArrayBuffer);
    expect(Buffer.from(body as ArrayBuffer)).toEqual(bytes);
  });

  it('begins/ends at index send only that range of the file (UploadConfig index/begins/ends)', async () => {
    await cacheFile('range.txt', '0123456789');
    const task = await request.uploadFile(
      context(),
      config(uploadUrl(server, { id: 'range' }), [file('internal://cache/range.txt')], {
        method: 'PUT',
        begins: 2,
        ends: 5,
      }),
    );
    const { events, done } = recordLegacy(task);
    await done;
    expect(server.byId('range')[0]?.summary?.raw?.size).toBe(4);
    expect(events.find((e) => e.type === 'progress')).toEqual({ type: 'progress', uploaded: 4, total: 4 });
  });
});

describe('uploadFile: multipart rule and method (§1a "How the body is sent", §1c.7)', () => {
  it('PUT without a "Content-Type: multipart/form-data" header sends the raw file; form fields are dropped', async () => {
    const sha = await cacheFile('raw.bin', { size: 50_000, seed: 9 });
    const task = await request.uploadFile(
      context(),
      config(uploadUrl(server, { id: 'put-raw' }), [file('internal://cache/raw.bin')], {
        method: 'put',
        data: [{ name: 'lost', value: 'field' }],
      }),
    );
    await recordLegacy(task).done;
    const summary = server.byId('put-raw')[0]?.summary;
    expect(server.byId('put-raw')[0]?.method).toBe('PUT');
    expect(summary?.raw).toEqual({ size: 50_000, sha256: sha, contentType: 'application/octet-stream' });
    expect(summary?.fields).toEqual({});
  });

  it('PUT with header key exactly "Content-Type" = "multipart/form-data" is multipart', async () => {
    await cacheFile('put-mp.txt', 'abc');
    const task = await request.uploadFile(
      context(),
      config(uploadUrl(server, { id: 'put-mp' }), [file('internal://cache/put-mp.txt')], {
        method: 'PUT',
        header: { 'Content-Type': 'multipart/form-data' },
        data: [{ name: 'kept', value: 'yes' }],
      }),
    );
    await recordLegacy(task).done;
    expect(server.byId('put-mp')[0]?.summary?.fields).toEqual({ kept: 'yes' });
  });

  it('POST with another Content-Type sends the raw body with that type; any other method stays POST', async () => {
    await cacheFile('typed.txt', 'typed');
    const task = await request.uploadFile(
      context(),
      config(uploadUrl(server, { id: 'typed' }), [file('internal://cache/typed.txt')], {
        method: 'PATCH',
        header: { 'Content-Type': 'text/plain' },
      }),
    );
    await recordLegacy(task).done;
    const record = server.byId('typed')[0];
    expect(record?.method).toBe('POST');
    expect(record?.summary?.raw?.contentType).toBe('text/plain');
  });
});

describe('uploadFile: progress (§1a, §1c.4)', () => {
  it('is throttled to one event per interval plus a final one, in file bytes across all files', async () => {
    configureEmulation({ progressIntervalMs: 100 });
    const size = 12 * 1024 * 1024;
    await cacheFile('slow.bin', { size, seed: 4 });
    const started = Date.now();
    const task = await request.uploadFile(
      context(),
      config(uploadUrl(server, { readBps: 12 * 1024 * 1024 }), [file('internal://cache/slow.bin')]),
    );
    const { events, done } = recordLegacy(task);
    await done;
    const elapsed = Date.now() - started;
    const progress = events.flatMap((e) => (e.type === 'progress' ? [e] : []));
    expect(progress.length).toBeGreaterThanOrEqual(2);
    // One per 100 ms at most, plus the final one.
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 1);
    expect(progress.every((p) => p.total === size)).toBe(true);
    const uploaded = progress.map((p) => p.uploaded);
    expect([...uploaded].sort((a, b) => a - b)).toEqual(uploaded);
    expect(uploaded.at(-1)).toBe(size);
    expect(events.at(-2)?.type).toBe('progress');
  });

  it('a small fast upload may see only the final progress event (§1c.4)', async () => {
    await cacheFile('tiny.txt', 'tiny');
    const task = await request.uploadFile(context(), config(server.uploadUrl, [file('internal://cache/tiny.txt')]));
    const { events, done } = recordLegacy(task);
    await done;
    expect(events.filter((e) => e.type === 'progress')).toEqual([{ type: 'progress', uploaded: 4, total: 4 }]);
  });
});

describe('uploadFile: HTTP errors (§1a headerReceive, §1c.3)', () => {
  it.each([404, 500, 413])(
    'a %i answer fails with responseCode 17 "Http protocol error"; no headerReceive, no status, no body',
    async (status) => {
      await cacheFile('err.txt', 'error');
      const task = await request.uploadFile(
        context(),
        config(uploadUrl(server, { status }), [file('internal://cache/err.txt')]),
      );
      const { events, done } = recordLegacy(task);
      const end = await done;
      expect(end).toEqual({
        type: 'fail',
        states: [{ path: `${CACHE_DIR}/err.txt`, responseCode: 17, message: 'Http protocol error' }],
      });
      expect(events.map((e) => e.type)).toEqual(['progress', 'fail']);
    },
  );

  it('newer firmware (statusInProtocolError) names the status in the message: "Http protocol error: 404 Not Found"', async () => {
    configureEmulation({ statusInProtocolError: true });
    await cacheFile('named.txt', 'named');
    for (const [status, message] of [
      [404, 'Http protocol error: 404 Not Found'],
      [522, 'Http protocol error: 522'],
    ] as const) {
      const task = await request.uploadFile(
        context(),
        config(uploadUrl(server, { status }), [file('internal://cache/named.txt')]),
      );
      const end = await recordLegacy(task).done;
      expect(end).toEqual({ type: 'fail', states: [{ path: `${CACHE_DIR}/named.txt`, responseCode: 17, message }] });
    }
  });

  it('when the second of two files fails, the first has code 0 and the failed one its reason (18: the file shrank)', async () => {
    await cacheFile('ok1.txt', 'one');
    await cacheFile('shrinks.txt', 'two two two');
    const task = await request.uploadFile(
      context(),
      config(uploadUrl(server, { id: 'second-fails' }), [
        file('internal://cache/ok1.txt'),
        file('internal://cache/shrinks.txt'),
      ]),
    );
    // The task holds the files open with the sizes of creation time; the second now has fewer bytes.
    truncateSync(getSandbox().realPath(`${CACHE_DIR}/shrinks.txt`) ?? '', 0);
    const { events, done } = recordLegacy(task);
    const end = await done;
    expect(end.type).toBe('fail');
    expect(end.states.map((s) => [s.responseCode, s.message])).toEqual([
      [0, ''],
      [18, 'Io Error'],
    ]);
    expect(events.filter((e) => e.type === 'headerReceive')).toHaveLength(1);
  });

  it('a redirect (307) is followed and the whole body re-sent to the target (ylong redirect)', async () => {
    const sha = await cacheFile('moved.bin', { size: 40_000, seed: 5 });
    const task = await request.uploadFile(
      context(),
      config(uploadUrl(server, { id: 'moved', redirect: 307, to: '/upload?id=moved-target' }), [
        file('internal://cache/moved.bin'),
      ]),
    );
    const { events, done } = recordLegacy(task);
    expect((await done).type).toBe('complete');
    expect(server.byId('moved-target')[0]?.summary?.files[0]?.sha256).toBe(sha);
    expect(events.filter((e) => e.type === 'headerReceive')).toHaveLength(1);
  });
});

describe('uploadFile: parameter and path checks (§1a, §1c.1, §1c.2)', () => {
  it('config errors are thrown synchronously (401), in promise and callback form', async () => {
    await cacheFile('p.txt', 'p');
    const ctx = context();
    const good = config(server.uploadUrl, [file('internal://cache/p.txt')]);
    expect(await errorCode(() => request.uploadFile(ctx, { ...good, files: [] }))).toBe(401);
    const { data: _omitted, ...withoutData } = good;
    expect(await errorCode(() => request.uploadFile(ctx, withoutData as request.UploadConfig))).toBe(401);
    expect(await errorCode(() => request.uploadFile(ctx, { ...good, url: 'ftp://example.com/x' }))).toBe(401);
    expect(await errorCode(() => request.uploadFile(ctx, { ...good, index: 1 }))).toBe(401);
    expect(() => request.uploadFile(ctx, { ...good, files: [] }, () => undefined)).toThrow(
      expect.objectContaining({ code: 401 }),
    );
    expect(await errorCode(() => request.uploadFile({ stageMode: false }, good))).toBe(401);
  });

  it('user files are refused with 401 "user file can only for request.agent"', () => {
    expect(() =>
      request.uploadFile(context(), config(server.uploadUrl, [file('file://media/Photo/1/IMG_1.jpg')])),
    ).toThrow(
      expect.objectContaining({ code: 401, message: expect.stringContaining('user file can only for request.agent') }),
    );
  });

  it('a missing file in an existing directory is 13400002; a missing directory or a non-canonical path is 401 (IsPathValid)', async () => {
    const ctx = context();
    expect(
      await errorCode(() => request.uploadFile(ctx, config(server.uploadUrl, [file('internal://cache/none.txt')]))),
    ).toBe(13400002);
    expect(
      await errorCode(() =>
        request.uploadFile(ctx, config(server.uploadUrl, [file('internal://cache/nodir/none.txt')])),
      ),
    ).toBe(401);
    await cacheFile('dots.txt', 'dots');
    expect(
      await errorCode(() => request.uploadFile(ctx, config(server.uploadUrl, [file('internal://cache/./dots.txt')]))),
    ).toBe(401);
    expect(await errorCode(() => request.uploadFile(ctx, config(server.uploadUrl, [file('sub/../dots.txt')])))).toBe(
      401,
    );
  });

  it('absolute sandbox paths do not work: they are joined to the cache directory (§1a, §1c.1)', async () => {
    await getSandbox().writeFile(`${CACHE_DIR}/abs.txt`, 'abs');
    expect(
      await errorCode(() => request.uploadFile(context(), config(server.uploadUrl, [file(`${CACHE_DIR}/abs.txt`)]))),
    ).toBe(401);
  });

  it('the callback form delivers the task with an undefined error', async () => {
    await cacheFile('cb.txt', 'cb');
    const [error, task] = await new Promise<[unknown, request.UploadTask]>((resolve) =>
      request.uploadFile(context(), config(server.uploadUrl, [file('internal://cache/cb.txt')]), (err, t) =>
        resolve([err, t]),
      ),
    );
    expect(error).toBeUndefined();
    expect((await recordLegacy(task).done).type).toBe('complete');
  });

  it('on/off reject unknown event types with 401; off(type) without callback removes all of that type', async () => {
    await cacheFile('off.txt', 'off');
    const task = await request.uploadFile(context(), config(server.uploadUrl, [file('internal://cache/off.txt')]));
    expect(() => task.on('nope' as 'progress', () => undefined)).toThrow(expect.objectContaining({ code: 401 }));
    const seen: string[] = [];
    task.on('progress', () => seen.push('a'));
    task.on('progress', () => seen.push('b'));
    task.off('progress');
    const ended = new Promise((resolve) => task.on('complete', resolve));
    await ended;
    expect(seen).toEqual([]);
  });
});

describe('uploadFile: delete() (§1a Cancelling)', () => {
  it('mid-upload closes the connection, resolves true, and no complete/fail follows', async () => {
    configureEmulation({ progressIntervalMs: 50 });
    await cacheFile('big.bin', { size: 8 * 1024 * 1024, seed: 6 });
    const task = await request.uploadFile(
      context(),
      config(uploadUrl(server, { id: 'deleted', readBps: 1024 * 1024 }), [file('internal://cache/big.bin')]),
    );
    const { events } = recordLegacy(task);
    await server.waitFor((r) => r.id === 'deleted' && r.bytesReceived > 0);
    expect(await task.delete()).toBe(true);
    const record = await closedRecord(server, 'deleted');
    expect(record.clientAborted).toBe(true);
    expect(record.bodyComplete).toBe(false);
    const countAtDelete = events.length;
    await sleep(300);
    expect(events.length).toBe(countAtDelete);
    expect(events.some((e) => e.type === 'complete' || e.type === 'fail')).toBe(false);
    expect(emulationStats()).toEqual(NOTHING_LIVE);
  });

  it('delete() in callback form, after the task ended, still answers true', async () => {
    await cacheFile('late.txt', 'late');
    const task = await request.uploadFile(context(), config(server.uploadUrl, [file('internal://cache/late.txt')]));
    await recordLegacy(task).done;
    const result = await new Promise<boolean>((resolve) => task.delete((_err, ok) => resolve(ok)));
    expect(result).toBe(true);
  });
});

describe('uploadFile: network failures (§1a Task mode: BACKGROUND + retry; §1c.8)', () => {
  it('a refused connection is retried a bounded number of times, then fails with 13 "Connect error"', async () => {
    configureEmulation({ retryIntervalMs: 10 });
    await cacheFile('refused.txt', 'refused');
    const task = await request.uploadFile(
      context(),
      config(await refusedUrl(), [file('internal://cache/refused.txt')]),
    );
    const end = await recordLegacy(task).done;
    expect(end.states).toEqual([{ path: `${CACHE_DIR}/refused.txt`, responseCode: 13, message: 'Connect error' }]);
  });

  it('a connection reset while sending is retried (5 attempts in all), then fails (20 "other")', async () => {
    configureEmulation({ retryIntervalMs: 10 });
    await cacheFile('reset.bin', { size: 2 * 1024 * 1024, seed: 8 });
    const task = await request.uploadFile(
      context(),
      config(uploadUrl(server, { id: 'reset', resetAfter: 1000 }), [file('internal://cache/reset.bin')]),
    );
    const end = await recordLegacy(task).done;
    expect(end.type).toBe('fail');
    expect(end.states[0]?.responseCode).toBe(20);
    expect(server.byId('reset')).toHaveLength(5);
  });

  it('closeEarly (the server drops the connection while the body is sent) is retried, then fails with 20', async () => {
    configureEmulation({ retryIntervalMs: 10 });
    // Large enough that the body cannot sit whole in the socket buffers when the connection drops.
    await cacheFile('early.bin', { size: 24 * 1024 * 1024, seed: 10 });
    const task = await request.uploadFile(
      context(),
      config(uploadUrl(server, { id: 'close-early', closeEarly: 1 }), [file('internal://cache/early.bin')]),
    );
    const end = await recordLegacy(task).done;
    expect(end.states[0]).toMatchObject({ responseCode: 20, message: 'Some other error occured' });
    expect(server.byId('close-early')).toHaveLength(5);
  });

  it('the total timeout (10 min on devices, shortened here) fails a task whose server never answers: 12 after the retries', async () => {
    configureEmulation({ retryIntervalMs: 10, totalTimeoutMs: 150 });
    await cacheFile('late-answer.txt', 'late');
    const task = await request.uploadFile(
      context(),
      config(uploadUrl(server, { id: 'never-answers', delayHeadersMs: 10_000 }), [
        file('internal://cache/late-answer.txt'),
      ]),
    );
    const end = await recordLegacy(task).done;
    expect(end.states[0]).toMatchObject({ responseCode: 12, message: 'Continuous processing task time out' });
    expect(server.byId('never-answers')).toHaveLength(5);
  });

  it('a header the HTTP client refuses (CR/LF in a value) fails the task with 10 "Build request error"', async () => {
    await cacheFile('hdr.txt', 'hdr');
    const task = await request.uploadFile(
      context(),
      config(server.uploadUrl, [file('internal://cache/hdr.txt')], { header: { 'X-Bad': 'a\r\nInjected: 1' } }),
    );
    const end = await recordLegacy(task).done;
    expect(end.states[0]).toMatchObject({ responseCode: 10, message: 'Build request error' });
  });

  it('the server closing after the whole body without answering is a request error (14), not retried', async () => {
    configureEmulation({ retryIntervalMs: 10 });
    await cacheFile('noanswer.txt', 'small');
    const silent = await silentServer();
    try {
      const task = await request.uploadFile(context(), config(silent.url, [file('internal://cache/noanswer.txt')]));
      const end = await recordLegacy(task).done;
      expect(end.states[0]).toMatchObject({ responseCode: 14, message: 'Request error' });
      expect(silent.requests()).toBe(1);
    } finally {
      await silent.close();
    }
  });
});

describe('uploadFile: bookkeeping', () => {
  it('emulationStats returns to zero after tasks end', async () => {
    await cacheFile('stats.txt', 'stats');
    const task = await request.uploadFile(context(), config(server.uploadUrl, [file('internal://cache/stats.txt')]));
    const { done } = recordLegacy(task);
    await sleep(0);
    expect(emulationStats().uploadTasks).toBe(1);
    expect(emulationStats().listeners).toBe(4);
    await done;
    await sleep(20);
    expect(emulationStats()).toEqual(NOTHING_LIVE);
  });
});
