/**
 * Background uploads across the app's life, end to end: app processes on an emulated device
 * (emulator/device.ts) with the request service in a process of its own, uploading over real HTTP to the
 * local server. An app is killed with SIGKILL, a new process restores its uploads; the bytes are checked
 * at the server (sha256), and what the user sees in each process is checked as a recording.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDevice } from '../../emulator/device';
import type { Device } from '../../emulator/device';
import { startUploadServer } from '../../server/upload-server';
import type { UploadServer } from '../../server/types';
import { BACKGROUND_DIR } from '../../src/arkts/background-store';
import { expectFailure, expectOutcome, expectSuccess, kinds, percents } from '../contract/recording';
import { DeviceApp } from './device-app';

const FILES = '/data/storage/el2/base/haps/entry/files';
/** The application's filesDir, where the library keeps its record and copies. */
const APP_FILES = '/data/storage/el2/base/files';
const RECORD = `${APP_FILES}/${BACKGROUND_DIR}/uploads.json`;
const COPIES = `${APP_FILES}/${BACKGROUND_DIR}/copies`;
/**
 * 6 MB read by the server at 8 MB/s: under a second, progress every 50 ms. The loopback's socket buffers
 * take the first 4 MB at once: progress reaches 40 % before the server has read much.
 */
const SIZE = 6 * 1024 * 1024;
const RATE = 8 * 1024 * 1024;
/**
 * The server stops reading halfway until the test calls `server.release(id)`: the upload is still running
 * when the app is killed and a new process restores it, however busy the machine, and it takes no longer
 * than it must. The read rate stays, so that the file is taken over several progress intervals and the app
 * sees progress before the hold (the service checks the interval only when it takes file bytes). With
 * `faultTimes=1`, only the first request of the id waits there (a second one, after a network change,
 * reads through).
 */
const HOLD = `readBps=${RATE}&holdAfter=${SIZE / 2}`;
const HOLD_FIRST = `${HOLD}&faultTimes=1`;

/**
 * Waits until the server holds the upload of `id` halfway and the app has seen its progress. Not a
 * percentage: the service checks its progress interval only when it takes file bytes, so what the app
 * saw last before the hold may be any share of what was sent.
 */
async function heldWithProgress(app: DeviceApp, key: string, id: string): Promise<void> {
  await server.waitFor((r) => r.id === id && r.bytesReceived >= SIZE / 2);
  await app.atPercent(key, 1);
}

let server: UploadServer;
let device: Device;
let n = 0;

/** One device for the file (starting one takes seconds); each test leaves it with nothing to restore. */
beforeAll(async () => {
  server = await startUploadServer();
  device = await startDevice({ timeScale: 0.01, progressIntervalMs: 50 });
});
afterAll(async () => {
  await device.stop();
  await server.close();
});
afterEach(async () => {
  device.setNetwork({ type: 'wifi' });
  await expect.poll(recordIds).toEqual([]);
  expect(device.list(COPIES)).toEqual([]);
});

async function file(): Promise<{ filePath: string; sha256: string; id: string }> {
  const id = `bg-${++n}`;
  const filePath = `${FILES}/${id}.bin`;
  return { filePath, sha256: await device.writeFile(filePath, { size: SIZE, seed: n }), id };
}

function url(id: string, query = `readBps=${RATE}`): string {
  return `${server.uploadUrl}?id=${id}&${query}`;
}

/** The bytes the server received and parsed for upload `id`, the last request of that id. */
function received(id: string): string | undefined {
  return server.byId(id).at(-1)?.summary?.files[0]?.sha256;
}

/** What the app's record holds. */
function recordIds(): string[] {
  const list = device.list(`${APP_FILES}/${BACKGROUND_DIR}`);
  if (!list.includes('uploads.json')) return [];
  const text = readFileSync(device.realPath(RECORD) as string, 'utf8');
  return (JSON.parse(text) as { uploads: Array<{ id: string }> }).uploads.map((u) => u.id);
}

describe('a background upload outlives its app process', () => {
  it('killed halfway, a new process restores the upload and sees it finish, live, with the answer', async () => {
    const { filePath, sha256, id } = await file();
    const first = await DeviceApp.launch(device);
    first.upload('u', { url: url(id, HOLD), filePath, name: 'file', background: true, tag: 'holiday' });
    await heldWithProgress(first, 'u', id);
    await first.process.kill();
    expect(percents(first.recording('u')).at(-1)).toBeLessThan(100);

    const second = await DeviceApp.launch(device);
    const restored = await second.restore();
    expect(restored).toEqual([{ id: expect.any(String), url: url(id, HOLD), filePath, name: 'file', tag: 'holiday' }]);
    const key = restored[0]?.id as string;
    server.release(id);
    const r = await second.settled(key);
    const result = expectSuccess(r);
    expect(result).toMatchObject({ statusCode: 200, errMsg: 'uploadFile:ok' });
    expect(JSON.parse(result.data).files[0].sha256).toBe(sha256);
    expect(received(id)).toBe(sha256);
    // Progress went on from where it was when the process was restored, to 100, never back.
    const p = percents(r);
    expect(p.at(-1)).toBe(100);
    expect(p).toEqual([...p].sort((a, b) => a - b));
    expect(kinds(r, { only: ['headers'] })).toEqual(['headers']);
    // Delivered: forgotten in the record, and not restored again by a third process.
    expect(recordIds()).toEqual([]);
    const third = await DeviceApp.launch(device);
    expect(await third.restore()).toEqual([]);
    await second.process.kill();
    await third.process.kill();
  });

  it('one that finishes while the app is dead is restored later: the outcome after the fact, no status or data', async () => {
    const { filePath, sha256, id } = await file();
    const first = await DeviceApp.launch(device);
    // Held by the server until the app is dead: it cannot finish before.
    first.upload('u', { url: url(id, HOLD), filePath, name: 'file', background: true });
    await heldWithProgress(first, 'u', id);
    await first.process.kill();
    server.release(id);
    await device.waitForServiceTask((t) => t.url === url(id, HOLD) && t.stateName === 'COMPLETED');
    await expect.poll(() => received(id)).toBe(sha256);

    const second = await DeviceApp.launch(device);
    const [task] = await second.restore();
    const r = await second.settled(task?.id as string);
    const outcome = expectOutcome(r);
    expect(outcome.kind).toBe('success');
    expect(outcome.result).toEqual({
      errMsg: 'uploadFile:ok',
      header: expect.objectContaining({ 'content-type': 'application/json; charset=utf-8' }),
      afterTheFact: true,
    });
    expect(recordIds()).toEqual([]);
    await second.process.kill();
  });
});

describe('what happens on the way', () => {
  it('a network drop in the middle: the task waits, starts the file again on the network, and finishes', async () => {
    const { filePath, sha256, id } = await file();
    const app = await DeviceApp.launch(device);
    // The first request waits halfway at the server, so the drop cuts it off; the second reads through.
    app.upload('u', { url: url(id, HOLD_FIRST), filePath, name: 'file', background: true });
    await heldWithProgress(app, 'u', id);
    device.setNetwork({ type: 'none' });
    await device.waitForServiceTask((t) => t.url === url(id, HOLD_FIRST) && t.stateName === 'WAITING');
    device.setNetwork({ type: 'cellular' });
    const r = await app.settled('u');
    const result = expectSuccess(r);
    expect(JSON.parse(result.data).files[0].sha256).toBe(sha256);
    // The server saw the first request cut off, then the whole file again from byte 0.
    const requests = server.byId(id);
    expect(requests.length).toBeGreaterThanOrEqual(2);
    expect(requests[0]?.bodyComplete).toBe(false);
    expect(received(id)).toBe(sha256);
    // The user saw one upload: progress that never went back, one outcome.
    const p = percents(r);
    expect(p).toEqual([...p].sort((a, b) => a - b));
    await app.process.kill();
  });

  it("Wi-Fi to cellular: the default goes on over cellular, network: 'wifi' waits for Wi-Fi", async () => {
    const wifiOnly = await file();
    const any = await file();
    const app = await DeviceApp.launch(device);
    const options = { name: 'file', background: true } as const;
    // Both wait halfway at the server until the network has changed: both are running at the switch.
    const wifiUrl = url(wifiOnly.id, HOLD_FIRST);
    app.upload('wifi', { ...options, url: wifiUrl, filePath: wifiOnly.filePath, network: 'wifi' });
    app.upload('any', { ...options, url: url(any.id, HOLD), filePath: any.filePath });
    await heldWithProgress(app, 'wifi', wifiOnly.id);
    await heldWithProgress(app, 'any', any.id);
    device.setNetwork({ type: 'cellular' });
    server.release(any.id);
    // The default finishes on cellular (the switch may cut its connection: the service sends it again).
    expectSuccess(await app.settled('any'));
    expect(received(any.id)).toBe(any.sha256);
    // Wi-Fi only: parked on cellular, the whole file again once on Wi-Fi.
    await device.waitForServiceTask((t) => t.url === wifiUrl && t.stateName === 'WAITING');
    device.setNetwork({ type: 'wifi' });
    const r = await app.settled('wifi');
    expect(JSON.parse(expectSuccess(r).data).files[0].sha256).toBe(wifiOnly.sha256);
    expect(server.byId(wifiOnly.id).length).toBeGreaterThanOrEqual(2);
    await app.process.kill();
  });

  it('a user file (file://media/...): its copy is kept while the outcome is unknown, deleted once it is known', async () => {
    const photo = await device.addUserFile({ content: { size: SIZE, seed: 99 }, displayName: 'clip.mp4' });
    const id = `bg-media-${++n}`;
    const first = await DeviceApp.launch(device);
    // Held by the server until the app is dead: it cannot finish before.
    first.upload('u', { url: url(id, HOLD), filePath: photo.uri, name: 'file', background: true });
    await heldWithProgress(first, 'u', id);
    await first.process.kill();
    server.release(id);
    await device.waitForServiceTask((t) => t.url === url(id, HOLD) && t.stateName === 'COMPLETED');
    await expect
      .poll(() => server.byId(id).at(-1)?.summary?.files[0])
      .toMatchObject({ sha256: photo.sha256, filename: 'clip.mp4' });
    expect(device.list(COPIES)).toHaveLength(1);

    const second = await DeviceApp.launch(device);
    const [task] = await second.restore();
    expect(task).toMatchObject({ filePath: photo.uri, name: 'file' });
    const r = await second.settled(task?.id as string);
    expect(expectOutcome(r).result).toMatchObject({ errMsg: 'uploadFile:ok', afterTheFact: true });
    expect(device.list(COPIES)).toEqual([]);
    await second.process.kill();
  });

  it('abort() of a restored task ends it: uploadFile:fail abort, the task removed, the server cut off', async () => {
    const { filePath, id } = await file();
    const first = await DeviceApp.launch(device);
    first.upload('u', { url: url(id, HOLD), filePath, name: 'file', background: true });
    await heldWithProgress(first, 'u', id);
    await first.process.kill();

    const second = await DeviceApp.launch(device);
    const [task] = await second.restore();
    const key = task?.id as string;
    second.abort(key);
    expectFailure(await second.settled(key), 'uploadFile:fail abort');
    await expect
      .poll(async () => (await device.serviceTasks()).find((t) => t.tid === key)?.stateName)
      .not.toMatch(/RUNNING|WAITING|RETRYING/);
    expect(server.byId(id).every((r) => !r.bodyComplete)).toBe(true);
    // Killed at once, maybe before it wrote down the abort: a later process does not report it again.
    await second.process.kill();
    const third = await DeviceApp.launch(device);
    expect(await third.restore()).toEqual([]);
    await third.process.kill();
  });

  it('a corrupt record: nothing reported wrong, the running upload is found with search() and finishes', async () => {
    const { filePath, sha256, id } = await file();
    const first = await DeviceApp.launch(device);
    first.upload('u', { url: url(id, HOLD), filePath, name: 'file', background: true, tag: 'lost with the record' });
    await heldWithProgress(first, 'u', id);
    await first.process.kill();
    await device.writeFile(RECORD, '{"v":1,"uploads":[{"id":');

    const second = await DeviceApp.launch(device);
    const restored = await second.restore();
    // What only the record kept (the tag) is lost; what the service keeps is back.
    expect(restored).toEqual([{ id: expect.any(String), url: url(id, HOLD), filePath, name: 'file' }]);
    server.release(id);
    const r = await second.settled(restored[0]?.id as string);
    expect(received(id)).toBe(sha256);
    expect(expectOutcome(r).kind).toBe('success');
    expect(device.list(`${APP_FILES}/${BACKGROUND_DIR}`)).toContain('uploads.json.corrupt');
    await second.process.kill();
  });
});

describe('foreground uploads meet the background', () => {
  it("@ohos.net.http: still running a moment after the app leaves the foreground, it ends with 'interrupted'", async () => {
    const { filePath, id } = await file();
    const app = await DeviceApp.launch(device, { backend: 'http', interruptAfterMs: 20 });
    app.upload('u', { url: url(id, HOLD), filePath, name: 'file' });
    await app.atPercent('u', 1);
    app.process.setState('background');
    await app.process.suspended();
    app.process.setState('foreground');
    expectFailure(await app.settled('u'), 'uploadFile:fail interrupted');
    await app.process.kill();
  });

  it("request.agent FOREGROUND: the service fails it 60 s (scaled) after the app left; the app is told 'interrupted'", async () => {
    const { filePath, id } = await file();
    const app = await DeviceApp.launch(device, { backend: 'agent' });
    app.upload('u', { url: url(id, HOLD), filePath, name: 'file', timeout: 600000 });
    await app.atPercent('u', 1);
    app.process.setState('background');
    await device.waitForServiceTask((t) => t.url === url(id, HOLD) && t.stateName === 'FAILED');
    app.process.setState('foreground');
    expectFailure(await app.settled('u'), 'uploadFile:fail interrupted');
    await app.process.kill();
  });
});
