/**
 * The request service's rules for the app's state and the network (docs/platform/app-lifecycle.md,
 * docs/platform/ohos.request.md "Network and app state"), in-process, against the real upload server.
 * Platform durations run on the fast clock (`timeScale`): 60 s last 60 ms.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import request from '@ohos.request';
import http from '@ohos.net.http';
import type { UploadServer } from '../../server/types';
import { configureEmulation, emulationStats, resetEmulation, setAppState, setNetwork } from '../control';
import {
  cacheFile,
  context,
  IDLE_STATS,
  recordAgent,
  recordLegacy,
  summaryOf,
  uploadUrl,
  withServer,
} from '../test-helpers';

const { Action, Mode, Network, State, Faults } = request.agent;
type Config = request.agent.Config;

const SIZE = 8_000_000;
let server: UploadServer;
let sha = '';

beforeAll(async () => {
  server = await withServer();
  sha = await cacheFile('big.bin', { size: SIZE, seed: 11 });
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  await resetEmulation();
});

function upload(id: string, extra: Partial<Config> = {}, readBps = 16_000_000): Config {
  return {
    action: Action.UPLOAD,
    url: uploadUrl(server, { id, readBps }),
    method: 'POST',
    data: [{ name: 'file', value: { path: 'big.bin' } }],
    ...extra,
  };
}

async function started(config: Config) {
  const task = await request.agent.create(context(), config);
  const recorder = recordAgent(task);
  await task.start();
  return { task, ...recorder };
}

/** Resolves once the server has read some of the body of the request `id` (the upload is under way). */
function sending(id: string, nth = 0) {
  return server.waitFor((r) => r.id === id && r.bytesReceived > 0 && server.byId(id).indexOf(r) === nth);
}

function closed(id: string, nth = 0) {
  return server.waitFor((r) => r.id === id && r.closedAt !== undefined && server.byId(id).indexOf(r) === nth);
}

describe('the app leaves the foreground (app-lifecycle.md, "The request service and the app\'s state")', () => {
  it('a FOREGROUND upload fails 60 s (scaled) after the app goes to the background, reason 6', async () => {
    configureEmulation({ timeScale: 0.001, progressIntervalMs: 20 });
    const { task, events, done } = await started(upload('fg-60s', { mode: Mode.FOREGROUND }, 2_000_000));
    await sending('fg-60s');
    setAppState('background');
    const end = await done;
    expect(end.type).toBe('failed');
    expect(end.progress.state).toBe(State.FAILED);
    expect(events.at(-2)?.type).toBe('progress');
    const info = await request.agent.show(task.tid);
    expect(info.reason).toBe('The app is background or terminate');
    expect(info.faults).toBe(Faults.OTHERS);
    expect((await closed('fg-60s')).clientAborted).toBe(true);
    await request.agent.remove(task.tid);
    expect(emulationStats()).toEqual(IDLE_STATS);
  });

  it('back in the foreground before the 60 s, the FOREGROUND upload goes on and completes', async () => {
    // 60 s scaled to 60 ms; the upload lasts about 1 s.
    configureEmulation({ timeScale: 0.001 });
    const { task, done } = await started(upload('fg-back', { mode: Mode.FOREGROUND }, 8_000_000));
    await sending('fg-back');
    setAppState('background');
    setAppState('foreground');
    const end = await done;
    expect(end.type).toBe('completed');
    expect(summaryOf((end.progress.extras as { body: unknown }).body).files[0]?.sha256).toBe(sha);
    await request.agent.remove(task.tid);
  });

  it('a BACKGROUND upload is not touched by the app state', async () => {
    configureEmulation({ timeScale: 0.0001 });
    const { task, done } = await started(upload('bg-state', { mode: Mode.BACKGROUND }, 8_000_000));
    await sending('bg-state');
    setAppState('background');
    const end = await done;
    expect(end.type).toBe('completed');
    expect(server.byId('bg-state')).toHaveLength(1);
    await request.agent.remove(task.tid);
  });

  it('a FOREGROUND task started in the background waits (reason 6) and runs when the app comes back', async () => {
    configureEmulation({ timeScale: 0.001 });
    setAppState('background');
    const { task, done } = await started(upload('fg-wait', { mode: Mode.FOREGROUND }));
    const waiting = await request.agent.show(task.tid);
    expect(waiting.progress.state).toBe(State.WAITING);
    expect(waiting.reason).toBe('The app is background or terminate');
    expect(server.byId('fg-wait')).toHaveLength(0);
    setAppState('foreground');
    expect((await done).type).toBe('completed');
    await request.agent.remove(task.tid);
  });
});

describe('the network changes (ohos.request.md, "Network and app state")', () => {
  it('offline: a BACKGROUND task with retry waits (reason 7), then sends the file again from byte 0', async () => {
    const { task, done } = await started(upload('offline-bg', { mode: Mode.BACKGROUND }, 4_000_000));
    await sending('offline-bg');
    setNetwork({ type: 'none' });
    expect((await closed('offline-bg')).clientAborted).toBe(true);
    const parked = await request.agent.show(task.tid);
    expect(parked.progress.state).toBe(State.WAITING);
    expect(parked.reason).toBe('NetWork is offline');
    expect(parked.faults).toBe(Faults.DISCONNECTED);
    setNetwork({ type: 'wifi' });
    const end = await done;
    expect(end.type).toBe('completed');
    const [first, second] = server.byId('offline-bg');
    expect(first?.bodyComplete).toBe(false);
    // The second request carries the whole file: it started again at byte 0.
    expect(second?.summary?.files[0]).toMatchObject({ size: SIZE, sha256: sha });
    await request.agent.remove(task.tid);
  });

  it('a task of two files parked during the second sends only the second again, from byte 0', async () => {
    const small = await cacheFile('first.bin', { size: 200_000, seed: 12 });
    const config: Config = {
      ...upload('two-files', { mode: Mode.BACKGROUND }, 4_000_000),
      data: [
        { name: 'a', value: { path: 'first.bin' } },
        { name: 'b', value: { path: 'big.bin' } },
      ],
    };
    const { task, done } = await started(config);
    await sending('two-files', 1);
    setNetwork({ type: 'none' });
    await closed('two-files', 1);
    setNetwork({ type: 'wifi' });
    const end = await done;
    expect(end.type).toBe('completed');
    expect(end.progress.index).toBe(1);
    const records = server.byId('two-files');
    expect(records.map((r) => r.summary?.files[0]?.sha256 ?? 'cut off')).toEqual([small, 'cut off', sha]);
    await request.agent.remove(task.tid);
  });

  it('offline: a FOREGROUND task fails at once, reason 7', async () => {
    const { task, done } = await started(upload('offline-fg', { mode: Mode.FOREGROUND }, 2_000_000));
    await sending('offline-fg');
    setNetwork({ type: 'none' });
    const end = await done;
    expect(end.type).toBe('failed');
    const info = await request.agent.show(task.tid);
    expect(info.reason).toBe('NetWork is offline');
    expect(info.faults).toBe(Faults.DISCONNECTED);
    await request.agent.remove(task.tid);
  });

  it('offline: a BACKGROUND task with retry: false fails', async () => {
    const { task, done } = await started(upload('offline-noretry', { mode: Mode.BACKGROUND, retry: false }, 2_000_000));
    await sending('offline-noretry');
    setNetwork({ type: 'none' });
    expect((await done).type).toBe('failed');
    await request.agent.remove(task.tid);
  });

  it('a task started offline waits and runs when the network is back', async () => {
    setNetwork({ type: 'none' });
    const { task, done } = await started(upload('start-offline', { mode: Mode.BACKGROUND }));
    expect((await request.agent.show(task.tid)).progress.state).toBe(State.WAITING);
    setNetwork({ type: 'cellular' });
    expect((await done).type).toBe('completed');
    expect(server.byId('start-offline')).toHaveLength(1);
    await request.agent.remove(task.tid);
  });

  it('network: WIFI waits on cellular (reason 8) until Wi-Fi', async () => {
    setNetwork({ type: 'cellular' });
    const { task, done } = await started(upload('wifi-only', { mode: Mode.BACKGROUND, network: Network.WIFI }));
    const waiting = await request.agent.show(task.tid);
    expect(waiting.progress.state).toBe(State.WAITING);
    expect(waiting.reason).toBe('NetWork type not meet the task config');
    setNetwork({ type: 'cellular', roaming: true });
    expect((await request.agent.show(task.tid)).progress.state).toBe(State.WAITING);
    setNetwork({ type: 'wifi' });
    expect((await done).type).toBe('completed');
    await request.agent.remove(task.tid);
  });

  it('network: CELLULAR without metered waits on cellular, and Wi-Fi does not wake it; with metered it runs', async () => {
    setNetwork({ type: 'cellular' });
    const unmetered = await started(upload('cell-unmetered', { network: Network.CELLULAR }));
    const metered = await started(upload('cell-metered', { network: Network.CELLULAR, metered: true }));
    expect((await request.agent.show(unmetered.task.tid)).progress.state).toBe(State.WAITING);
    expect((await metered.done).type).toBe('completed');
    // `network_available` wakes tasks of network ANY or of the new network's type only.
    setNetwork({ type: 'wifi' });
    expect((await request.agent.show(unmetered.task.tid)).progress.state).toBe(State.WAITING);
    expect(server.byId('cell-unmetered')).toHaveLength(0);
    await request.agent.remove(unmetered.task.tid);
    await request.agent.remove(metered.task.tid);
  });

  it('Wi-Fi to cellular: a running BACKGROUND task of network ANY stops and sends its file again from byte 0', async () => {
    const { task, done } = await started(upload('any-switch', { mode: Mode.BACKGROUND, metered: true }, 4_000_000));
    await sending('any-switch');
    setNetwork({ type: 'cellular' });
    await closed('any-switch');
    const end = await done;
    expect(end.type).toBe('completed');
    const records = server.byId('any-switch');
    expect(records).toHaveLength(2);
    expect(records[1]?.summary?.files[0]).toMatchObject({ size: SIZE, sha256: sha });
    await request.agent.remove(task.tid);
  });

  it('Wi-Fi to cellular: a running FOREGROUND task fails (reason 8)', async () => {
    const { task, done } = await started(upload('fg-switch', { mode: Mode.FOREGROUND, metered: true }, 2_000_000));
    await sending('fg-switch');
    setNetwork({ type: 'cellular' });
    expect((await done).type).toBe('failed');
    expect((await request.agent.show(task.tid)).reason).toBe('NetWork type not meet the task config');
    await request.agent.remove(task.tid);
  });
});

describe('getTask, touch and search in one process (ohos.request.md, "Finding a task again")', () => {
  it('checks the token and gives the same Task object', async () => {
    const task = await request.agent.create(context(), upload('tokens', { token: 'a-token-of-8' }));
    expect(await request.agent.getTask(context(), task.tid, 'a-token-of-8')).toBe(task);
    await expect(request.agent.getTask(context(), task.tid)).rejects.toMatchObject({ code: 21900006 });
    await expect(request.agent.touch(task.tid, 'other-token')).rejects.toMatchObject({ code: 21900006 });
    expect((await request.agent.touch(task.tid, 'a-token-of-8')).tid).toBe(task.tid);
    expect(() => request.agent.touch(task.tid, 'short')).toThrow(expect.objectContaining({ code: 401 }));
    expect(await request.agent.search()).toEqual([task.tid]);
    expect(await request.agent.search({ after: Date.now() + 1000, before: Date.now() + 2000 })).toEqual([]);
    expect(await request.agent.search({ mode: Mode.FOREGROUND })).toEqual([]);
    await request.agent.remove(task.tid);
    await expect(request.agent.getTask(context(), task.tid, 'a-token-of-8')).rejects.toMatchObject({ code: 21900006 });
  });
});

describe('the other engines meet the network (app-lifecycle.md)', () => {
  it('request.uploadFile fails on a network drop: TaskState reason 7 "NetWork is offline"', async () => {
    const task = await request.uploadFile(context(), {
      url: uploadUrl(server, { id: 'legacy-offline', readBps: 2_000_000 }),
      header: {},
      method: 'POST',
      files: [{ filename: 'big.bin', name: 'file', uri: 'internal://cache/big.bin', type: 'application/octet-stream' }],
      data: [],
    });
    const { events, done } = recordLegacy(task);
    await sending('legacy-offline');
    setNetwork({ type: 'none' });
    const end = await done;
    expect(end.type).toBe('fail');
    expect(end.states).toEqual([
      { path: expect.stringMatching(/big\.bin$/), responseCode: 7, message: 'NetWork is offline' },
    ]);
    expect(events.at(-2)?.type).toBe('progress');
    expect((await closed('legacy-offline')).clientAborted).toBe(true);
    expect(emulationStats()).toEqual(IDLE_STATS);
  });

  it('@ohos.net.http: a request made offline fails 2300007; a running upload breaks when the network goes', async () => {
    setNetwork({ type: 'none' });
    const offline = http.createHttp();
    await expect(
      offline.requestInStream(uploadUrl(server, { id: 'http-offline' }), { method: http.RequestMethod.POST }),
    ).rejects.toMatchObject({ code: 2300007 });
    offline.destroy();
    setNetwork({ type: 'wifi' });
    const running = http.createHttp();
    const path = `${context().cacheDir}/big.bin`;
    const outcome = running.requestInStream(uploadUrl(server, { id: 'http-drop', readBps: 2_000_000 }), {
      method: http.RequestMethod.POST,
      header: { 'content-type': 'multipart/form-data' },
      multiFormDataList: [{ name: 'file', contentType: 'application/octet-stream', filePath: path }],
    });
    await sending('http-drop');
    setNetwork({ type: 'none' });
    await expect(outcome).rejects.toMatchObject({ code: 2300055 });
    running.destroy();
    expect(server.byId('http-offline')).toHaveLength(0);
  });
});
