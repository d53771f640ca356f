/**
 * What is particular to the @ohos.net.http engine, through the emulation to the real server: the answer
 * whole (any status, the body of a 4xx/5xx), the file name the platform derives from the path, what it
 * cannot send, its time limits, and what abort() leaves running.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SendProgress, TIMEOUT_GRACE_MS } from '../../src/arkts/http-transport';
import { configure, uploadFile, uploadStats } from '../../src/arkts/index';
import { COPY_DIR } from '../../src/arkts/staging';
import type { UploadFileFailResult } from '../../src/core/types';
import { emulationStats, fileCopiesStarted, whenFileCopied } from '../../emulator/control';
import { getSandbox } from '../../emulator/sandbox';
import type { UploadSummary } from '../../server/types';
import { uniqueId, urlFor } from '../contract/cases';
import { runScenario } from '../contract/driver';
import { expectSuccess, kinds } from '../contract/recording';
import { useArktsTarget } from './target';

const suite = useArktsTarget({ backend: 'http' });
const sandbox = getSandbox();
const context = sandbox.createContext();

afterEach(() => configure({ context, backend: 'http' }));

function urlWith(label: string, params: Record<string, string | number> = {}): { id: string; url: string } {
  const id = uniqueId(label);
  return { id, url: urlFor(suite.server, { id, ...params }) };
}

async function fileOf(name: string, size: number, seed = 1): Promise<{ path: string; sha256: string }> {
  const path = `${context.filesDir}/http/${name}`;
  return { path, sha256: await sandbox.writeFile(path, { size, seed }) };
}

function copies(): number {
  return sandbox.list(`${context.cacheDir}/${COPY_DIR}`).length;
}

describe('the whole answer', () => {
  it.each([
    [522, 'origin down'],
    [499, 'client closed'],
    [299, 'fine'],
    [404, '{"error":"no such album"}'],
  ])('a %i is a success with that statusCode, its body and its headers', async (status, body) => {
    configure({ context, backend: 'http' });
    const file = await fileOf('answer.bin', 20_000, 2);
    const { url } = urlWith('answer', { status, body, 'header.X-Why': 'because' });
    const r = await runScenario(uploadFile, { options: { url, filePath: file.path, name: 'file' } });
    expect(kinds(r, { except: ['progress', 'returned'] })).toEqual(['headers', 'success', 'complete', 'resolved']);
    const result = expectSuccess(r);
    expect(result).toMatchObject({ statusCode: status, data: body, errMsg: 'uploadFile:ok' });
    expect(result.header).toMatchObject({ 'x-why': 'because', 'content-type': 'text/plain; charset=utf-8' });
  });
});

describe('the file part is named after the file', () => {
  it("a fileName other than the path's last segment travels from a copy of that name, deleted afterwards", async () => {
    configure({ context, backend: 'http' });
    const file = await fileOf('IMG_0001.bin', 9 * 1024 * 1024, 3);
    const { id, url } = urlWith('renamed', { readBps: 8 * 1024 * 1024 });
    const task = uploadFile({ url, filePath: file.path, name: 'file', fileName: 'holiday photo.jpg' });
    let copiesSeen = 0;
    let bytesInMemory = 0;
    task.onProgressUpdate(() => {
      copiesSeen = Math.max(copiesSeen, copies());
      bytesInMemory = Math.max(bytesInMemory, emulationStats().httpBytesInMemory);
    });
    await task;
    expect(copiesSeen).toBe(1);
    // Streamed from the copy: the platform never held the file in memory (no remoteFileName).
    expect(bytesInMemory).toBe(0);
    expect(suite.server.byId(id)[0]?.summary?.files[0]).toMatchObject({
      filename: 'holiday photo.jpg',
      contentType: 'image/jpeg',
      sha256: file.sha256,
    });
    await expect.poll(copies).toBe(0);
  });

  it('a name with a double quote needs no copy: it travels as %22, as on every engine', async () => {
    configure({ context, backend: 'http' });
    const file = await fileOf('say "cheese".txt', 1000, 4);
    const { id, url } = urlWith('quoted');
    const before = fileCopiesStarted();
    await uploadFile({ url, filePath: file.path, name: 'file' });
    expect(fileCopiesStarted()).toBe(before);
    expect(suite.server.byId(id)[0]?.summary?.files[0]).toMatchObject({
      filename: 'say %22cheese%22.txt',
      sha256: file.sha256,
    });
  });
});

describe('what @ohos.net.http cannot send', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    [
      'an empty form field',
      { formData: { album: 'x', note: '' } },
      `uploadFile:fail parameter error: parameter.formData["note"] is empty, and @ohos.net.http cannot send an empty form field (it would drop it): send a value, leave the field out, or configure({ backend: 'agent' })`,
    ],
    [
      'a fileName with a "/"',
      { fileName: 'albums/x.png' },
      `uploadFile:fail parameter error: parameter.fileName "albums/x.png" cannot be sent by @ohos.net.http, which names the file part after the file: it must be a file name (no "/", not "." or "..", at most 255 bytes); or configure({ backend: 'agent' })`,
    ],
  ];

  it.each(cases)('%s: with backend http, a clear failure and nothing sent', async (_label, extra, errMsg) => {
    configure({ context, backend: 'http' });
    const file = await fileOf('refused.bin', 1000, 5);
    const { id, url } = urlWith('refused');
    await expect(uploadFile({ url, filePath: file.path, name: 'file', ...extra })).rejects.toEqual({ errMsg });
    expect(suite.server.byId(id)).toEqual([]);
    expect(emulationStats().httpRequests).toBe(0);
  });

  it.each(cases)('%s: with backend auto, the upload goes with request.agent', async (_label, extra) => {
    configure({ context, backend: 'auto' });
    const file = await fileOf('routed.bin', 1000, 6);
    const { id, url } = urlWith('routed', { status: 404, body: 'withheld' });
    const res = await uploadFile({ url, filePath: file.path, name: 'file', ...extra });
    // request.agent's answer: the status, not the body of an error.
    expect(res).toMatchObject({ statusCode: 404, data: '' });
    const summary = suite.server.byId(id)[0]?.summary as UploadSummary;
    expect(summary.files[0]?.sha256).toBe(file.sha256);
    if ('formData' in extra) expect(summary.fields).toEqual({ album: 'x', note: '' });
    else expect(summary.files[0]?.filename).toBe('albums/x.png');
  });
});

describe('time limits', () => {
  it(`the platform's own limit is the task's timeout plus ${TIMEOUT_GRACE_MS} ms: a stalled upload fails at the timeout and its connection ends just after`, async () => {
    configure({ context, backend: 'http' });
    const file = await fileOf('stalled.bin', 4 * 1024 * 1024, 7);
    const { id, url } = urlWith('stalled', { stallAfter: 256 * 1024 });
    const started = Date.now();
    const err = (await uploadFile({ url, filePath: file.path, name: 'file', timeout: 1500 }).catch(
      (e: unknown) => e,
    )) as UploadFileFailResult;
    expect(err.errMsg).toBe('uploadFile:fail timeout');
    expect(Date.now() - started).toBeLessThan(1500 + 500);
    const record = await suite.server.waitFor((x) => x.id === id && x.closedAt !== undefined, 10000);
    const lasted = (record.closedAt as number) - record.startedAt;
    expect(lasted).toBeGreaterThanOrEqual(1500 + TIMEOUT_GRACE_MS - 200);
    expect(lasted).toBeLessThan(1500 + TIMEOUT_GRACE_MS + 1000);
    await expect.poll(() => emulationStats()).toMatchObject({ httpRequests: 0, httpTransfers: 0, openSockets: 0 });
  });
});

describe('abort()', () => {
  it('in the moments after a copy is made: the copy and the request are released, and nothing is sent before the request is', async () => {
    configure({ context, backend: 'http' });
    const file = await fileOf('copied-then-aborted.bin', 256 * 1024, 9);
    // abort() from code that runs a few promise steps after the copy ends (a sibling's fail handler, say).
    // Until the request is made nothing may reach the server; once it is, the platform may send the body on
    // (destroy() cannot stop it). Either way, nothing of the upload is left behind.
    const arrived: boolean[] = [];
    for (let steps = 0; steps <= 8; steps++) {
      const { id, url } = urlWith(`aborted-after-copy-${steps}`);
      const task = uploadFile({ url, filePath: file.path, name: 'file', fileName: 'renamed.bin' });
      whenFileCopied(() => {
        let p = Promise.resolve();
        for (let i = 0; i < steps; i++) p = p.then(() => undefined);
        p.then(() => task.abort());
      });
      await expect(task).rejects.toEqual({ errMsg: 'uploadFile:fail abort' });
      expect(emulationStats(), `abort ${steps} steps after the copy`).toMatchObject({ httpRequests: 0, listeners: 0 });
      await expect.poll(() => emulationStats().httpTransfers).toBe(0);
      await expect.poll(copies).toBe(0);
      await new Promise((r) => setTimeout(r, 50));
      arrived.push(suite.server.byId(id).length > 0);
    }
    // Aborted as the copy ended: the request was never made.
    expect(arrived[0]).toBe(false);
  });

  it('fails the task at once and releases every HttpRequest and listener; the platform sends the body on until the server answers', async () => {
    configure({ context, backend: 'http' });
    const file = await fileOf('aborted.bin', 12 * 1024 * 1024, 8);
    const { id, url } = urlWith('aborted', { readBps: 8 * 1024 * 1024 });
    const task = uploadFile({ url, filePath: file.path, name: 'file', timeout: 30000 });
    await suite.server.waitFor((x) => x.id === id && x.bytesReceived > 2 * 1024 * 1024);
    task.abort();
    await expect(task).rejects.toEqual({ errMsg: 'uploadFile:fail abort' });
    expect(uploadStats()).toMatchObject({ live: 0, running: 0, draining: 1 });
    expect(emulationStats()).toMatchObject({ httpRequests: 0, listeners: 0, httpTransfers: 1 });
    const record = await suite.server.waitFor((x) => x.id === id && x.closedAt !== undefined, 10000);
    expect(record.bodyComplete).toBe(true);
    await expect.poll(() => emulationStats()).toMatchObject({ httpTransfers: 0, openSockets: 0 });
    expect(uploadStats().draining).toBe(0);
  });

  it('an aborted upload whose body the platform still sends keeps its place in the queue until it stops', async () => {
    configure({ context, backend: 'http', maxConcurrent: 1 });
    try {
      const file = await fileOf('aborted-in-queue.bin', 12 * 1024 * 1024, 10);
      const first = urlWith('drains', { readBps: 8 * 1024 * 1024 });
      const second = urlWith('waits-for-the-drain');
      const task = uploadFile({ url: first.url, filePath: file.path, name: 'file', timeout: 30000 });
      const next = uploadFile({ url: second.url, filePath: file.path, name: 'file' });
      await suite.server.waitFor((x) => x.id === first.id && x.bytesReceived > 2 * 1024 * 1024);
      task.abort();
      await expect(task).rejects.toEqual({ errMsg: 'uploadFile:fail abort' });
      expect(uploadStats()).toMatchObject({ running: 0, waiting: 1, draining: 1 });
      await next;
      // The second upload reached the server only once the first one's connection had ended.
      const [drained] = suite.server.byId(first.id);
      const [waited] = suite.server.byId(second.id);
      expect(waited.startedAt).toBeGreaterThanOrEqual(drained.closedAt ?? Number.POSITIVE_INFINITY);
    } finally {
      configure({ maxConcurrent: 10 });
    }
  });
});

describe('SendProgress: file bytes from the whole body, in unsigned 32-bit counts', () => {
  const GIB = 2 ** 30;

  it('takes the overhead (fields, part headers, boundaries) off, never below 0 nor above the file', () => {
    const p = new SendProgress(1000);
    expect(p.fileBytes(0, 1300)).toBe(0);
    expect(p.fileBytes(200, 1300)).toBe(0);
    expect(p.fileBytes(800, 1300)).toBe(500);
    expect(p.fileBytes(1300, 1300)).toBe(1000);
  });

  it('follows a file above 4 GiB past the wrap of both counts', () => {
    const size = 5 * GIB;
    const total = size + 300;
    const p = new SendProgress(size);
    const wrappedTotal = total % 2 ** 32;
    expect(p.fileBytes(3.5 * GIB, wrappedTotal)).toBe(3.5 * GIB - 300);
    expect(p.fileBytes(0.25 * GIB, wrappedTotal)).toBe(4.25 * GIB - 300);
    expect(p.fileBytes(total % 2 ** 32, wrappedTotal)).toBe(size);
  });

  it('starts over when the body is sent again (a 307 or 308)', () => {
    const p = new SendProgress(1000);
    expect(p.fileBytes(1300, 1300)).toBe(1000);
    expect(p.fileBytes(700, 1300)).toBe(400);
  });
});
