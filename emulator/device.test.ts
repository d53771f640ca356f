import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startUploadServer } from '../server/upload-server';
import type { UploadServer } from '../server/types';
import { type AppProcess, type Device, startDevice } from './device';
import { Action, Mode, State } from './ohos.request/agent-enums';
import { FILES_DIR, uploadUrl } from './test-helpers';

const AGENT_APP = 'emulator/device/test-apps/agent-app.ts';
const ECHO_APP = 'emulator/device/test-apps/echo-app.ts';

interface Message {
  type: string;
  seq?: number;
  ok?: boolean;
  value?: unknown;
  error?: { code: number; message: string };
  tid?: string;
  event?: string;
  payload?: { state: number; index: number; processed: number; sizes: number[]; extras?: Record<string, unknown> };
}

let server: UploadServer;
let device: Device | undefined;
let seq = 0;

beforeAll(async () => {
  server = await startUploadServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  await device?.stop();
  device = undefined;
});

/** Sends a command to agent-app and resolves with its result (rejects with the BusinessError it got). */
async function call(app: AppProcess, command: Record<string, unknown>): Promise<unknown> {
  const id = ++seq;
  app.send({ ...command, seq: id });
  const result = (await app.next((m) => (m as Message).type === 'result' && (m as Message).seq === id)) as Message;
  if (result.ok !== true) throw Object.assign(new Error(result.error?.message), { code: result.error?.code });
  return result.value;
}

function event(name: string, tid: string, check: (m: Message) => boolean = () => true) {
  return (m: unknown): boolean => {
    const message = m as Message;
    return message.type === 'event' && message.event === name && message.tid === tid && check(message);
  };
}

async function launchAgentApp(target: Device): Promise<AppProcess> {
  const app = target.launchApp(AGENT_APP);
  await app.next((m) => (m as Message).type === 'ready');
  return app;
}

function uploadConfig(url: string, path: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    action: Action.UPLOAD,
    url,
    method: 'POST',
    mode: Mode.BACKGROUND,
    data: [{ name: 'file', value: { path } }],
    ...extra,
  };
}

describe('emulated device: app processes', () => {
  it('launches an app script with the sandbox context and a message channel both ways', async () => {
    device = await startDevice({ timeScale: 0.001 });
    const app = device.launchApp(ECHO_APP);
    expect(await app.next()).toEqual({
      type: 'ready',
      cacheDir: '/data/storage/el2/base/haps/entry/cache',
      pid: app.pid,
    });
    app.send({ hello: 1 });
    expect(await app.next()).toEqual({ type: 'echo', message: { hello: 1 } });
    app.setState('background');
    expect(await app.next()).toEqual({ type: 'state', state: 'background' });
    await app.suspended();
    expect(app.state).toBe('suspended');
    app.setState('foreground');
    expect(await app.next()).toEqual({ type: 'state', state: 'foreground' });
    app.send('exit');
    expect(await app.exited).toBe(3);
  });
});

describe('emulated device: the request service outlives the app (docs/platform/app-lifecycle.md)', () => {
  it('a BACKGROUND upload goes on after SIGKILL; a new process finds it with getTask (token checked) and sees it end', async () => {
    device = await startDevice({ timeScale: 0.001, progressIntervalMs: 20 });
    const size = 8_000_000;
    const path = `${FILES_DIR}/big.bin`;
    const sha = await device.writeFile(path, { size, seed: 7 });
    const first = await launchAgentApp(device);
    // The server waits halfway until the new process listens (UploadServer.release): still running then.
    const url = uploadUrl(server, { id: 'survives-kill', readBps: 8_000_000, holdAfter: size / 2 });
    const tid = (await call(first, {
      op: 'create',
      config: uploadConfig(url, path, { token: 'token-of-test' }),
    })) as string;
    await call(first, { op: 'start', tid });
    // A progress event, then the server holding halfway: not a percentage, since the service checks its
    // progress interval only when it takes file bytes (the last event before the hold may show any share).
    await first.next(event('progress', tid));
    await server.waitFor((r) => r.id === 'survives-kill' && r.bytesReceived >= size / 2);
    await first.kill();
    expect((await device.serviceTasks()).map((t) => [t.tid, t.stateName])).toEqual([[tid, 'RUNNING']]);

    const second = await launchAgentApp(device);
    await expect(call(second, { op: 'getTask', tid })).rejects.toMatchObject({ code: 21900006 });
    await expect(call(second, { op: 'getTask', tid, token: 'another-token' })).rejects.toMatchObject({
      code: 21900006,
    });
    await expect(call(second, { op: 'touch', tid, token: 'another-token' })).rejects.toMatchObject({ code: 21900006 });
    expect(await call(second, { op: 'getTask', tid, token: 'token-of-test' })).toMatchObject({ tid, same: false });
    expect(await call(second, { op: 'search' })).toEqual([tid]);
    const shown = (await call(second, { op: 'show', tid })) as { progress: { state: number } };
    expect([State.RUNNING, State.COMPLETED]).toContain(shown.progress.state);

    server.release('survives-kill');
    const completed = (await second.next(event('completed', tid))) as Message;
    const record = await server.waitFor((r) => r.id === 'survives-kill' && r.responded);
    expect(record.summary?.files[0]?.sha256).toBe(sha);
    expect(server.byId('survives-kill')).toHaveLength(1);
    // The body came through the body file in cacheDir, which is gone once read.
    expect(JSON.parse(completed.payload?.extras?.body as string)).toMatchObject({ files: [{ sha256: sha }] });
    expect(device.list('/data/storage/el2/base/haps/entry/cache').filter((n) => n.startsWith('tmp_body_'))).toEqual([]);
    const touched = (await call(second, { op: 'touch', tid, token: 'token-of-test' })) as {
      progress: { state: number };
    };
    expect(touched.progress.state).toBe(State.COMPLETED);
  });
});

describe("emulated device: the app's life and the service's rules (docs/platform/app-lifecycle.md)", () => {
  it('a task that ends while the app is dead: show() tells the outcome and the headers, nothing is replayed, the body file stays', async () => {
    device = await startDevice({ timeScale: 0.001, progressIntervalMs: 20 });
    const path = `${FILES_DIR}/while-dead.bin`;
    const sha = await device.writeFile(path, { size: 6_000_000, seed: 9 });
    const first = await launchAgentApp(device);
    // Held by the server until the app is dead.
    const url = uploadUrl(server, { id: 'while-dead', holdAfter: 1_000_000, 'header.X-Answer': 'kept' });
    const tid = (await call(first, { op: 'create', config: uploadConfig(url, path) })) as string;
    await call(first, { op: 'start', tid });
    await server.waitFor((r) => r.id === 'while-dead' && r.bytesReceived > 0);
    await first.kill();
    server.release('while-dead');
    await device.waitForServiceTask((t) => t.tid === tid && t.stateName === 'COMPLETED');
    expect(server.byId('while-dead')[0]?.summary?.files[0]?.sha256).toBe(sha);

    const second = await launchAgentApp(device);
    const info = (await call(second, { op: 'show', tid })) as {
      progress: { state: number; sizes: number[] };
      reason: string;
      faults: number | null;
      extras: Record<string, string>;
    };
    expect(info.progress.state).toBe(State.COMPLETED);
    expect(info.faults).toBeNull();
    expect(info.extras['x-answer']).toBe('kept');
    // The service wrote the body into the body file the dead process had created; nobody read it.
    const bodyFiles = device.list('/data/storage/el2/base/haps/entry/cache').filter((n) => n.startsWith('tmp_body_0_'));
    expect(bodyFiles).toHaveLength(1);
    await call(second, { op: 'getTask', tid });
    await call(second, { op: 'show', tid });
    await call(second, { op: 'remove', tid });
    // Nothing was replayed: no event of the task reached the new process (events would have come before
    // the answers to the two later calls, which each crossed the service and the test).
    const seen: string[] = [];
    for await (const message of second.messages) {
      const m = message as Message;
      if (m.type === 'event' && m.tid === tid) seen.push(m.event as string);
      if (m.type === 'result' && m.seq === seq) break;
    }
    expect(seen).toEqual([]);
  });

  it('FOREGROUND upload of an app in the background: suspended, failed by the service after 60 s (scaled), told on thaw', async () => {
    device = await startDevice({ timeScale: 0.001, progressIntervalMs: 20 });
    const path = `${FILES_DIR}/fg.bin`;
    await device.writeFile(path, { size: 8_000_000, seed: 5 });
    const app = await launchAgentApp(device);
    // Held by the server: it cannot end before the service fails it.
    const url = uploadUrl(server, { id: 'fg-device', holdAfter: 1_000_000 });
    const tid = (await call(app, {
      op: 'create',
      config: uploadConfig(url, path, { mode: Mode.FOREGROUND }),
    })) as string;
    await call(app, { op: 'start', tid });
    await server.waitFor((r) => r.id === 'fg-device' && r.bytesReceived > 0);
    app.setState('background');
    await app.suspended();
    const failed = await device.waitForServiceTask((t) => t.tid === tid && t.stateName === 'FAILED');
    expect(failed.reason).toBe('The app is background or terminate');
    app.setState('foreground');
    const end = (await app.next(event('failed', tid))) as Message;
    expect(end.payload?.state).toBe(State.FAILED);
  });

  it('the app dies with a FOREGROUND upload running: the service fails it 60 s (scaled) later; a BACKGROUND one goes on', async () => {
    device = await startDevice({ timeScale: 0.001, progressIntervalMs: 20 });
    const path = `${FILES_DIR}/both.bin`;
    await device.writeFile(path, { size: 6_000_000, seed: 17 });
    const app = await launchAgentApp(device);
    // Both held by the server; the BACKGROUND one is let go once the app is dead.
    const url = (id: string) => uploadUrl(server, { id, holdAfter: 1_000_000 });
    const fg = (await call(app, {
      op: 'create',
      config: uploadConfig(url('dies-fg'), path, { mode: Mode.FOREGROUND }),
    })) as string;
    const bg = (await call(app, { op: 'create', config: uploadConfig(url('dies-bg'), path) })) as string;
    await call(app, { op: 'start', tid: fg });
    await call(app, { op: 'start', tid: bg });
    await server.waitFor((r) => r.id === 'dies-fg' && r.bytesReceived > 0);
    await app.kill();
    server.release('dies-bg');
    const failed = await device.waitForServiceTask((t) => t.tid === fg && t.stateName === 'FAILED');
    expect(failed.reason).toBe('The app is background or terminate');
    await device.waitForServiceTask((t) => t.tid === bg && t.stateName === 'COMPLETED');
    expect(server.byId('dies-bg')).toHaveLength(1);
  });

  it('network drop: the service parks a BACKGROUND upload and sends the file again from byte 0 when Wi-Fi is back', async () => {
    device = await startDevice({ timeScale: 0.001, progressIntervalMs: 20 });
    const path = `${FILES_DIR}/drop.bin`;
    const size = 8_000_000;
    const sha = await device.writeFile(path, { size, seed: 13 });
    const app = await launchAgentApp(device);
    // The first request waits at the server, so the drop cuts it off; the second reads through.
    const url = uploadUrl(server, { id: 'drop-device', holdAfter: 2_000_000, faultTimes: 1 });
    const tid = (await call(app, { op: 'create', config: uploadConfig(url, path) })) as string;
    await call(app, { op: 'start', tid });
    await server.waitFor((r) => r.id === 'drop-device' && r.bytesReceived > 0);
    device.setNetwork({ type: 'none' });
    const parked = await device.waitForServiceTask((t) => t.tid === tid && t.stateName === 'WAITING');
    expect(parked.reason).toBe('NetWork is offline');
    device.setNetwork({ type: 'wifi' });
    await app.next(event('completed', tid));
    const records = server.byId('drop-device');
    expect(records).toHaveLength(2);
    expect(records[0]?.bodyComplete).toBe(false);
    expect(records[1]?.summary?.files[0]).toMatchObject({ size, sha256: sha });
    const [task] = await device.serviceTasks();
    expect(task).toMatchObject({ tid, stateName: 'COMPLETED', attempts: 2 });
  });

  it('the service dies and starts again: its store gives back every task; a running one sends its file again from byte 0', async () => {
    device = await startDevice({ timeScale: 0.001, progressIntervalMs: 20 });
    const size = 8_000_000;
    const done = `${FILES_DIR}/done.bin`;
    const running = `${FILES_DIR}/running.bin`;
    await device.writeFile(done, 'finished before');
    const sha = await device.writeFile(running, { size, seed: 21 });
    const app = await launchAgentApp(device);
    const finished = (await call(app, {
      op: 'create',
      config: uploadConfig(uploadUrl(server, { id: 'before-restart' }), done, { token: 'token-of-done' }),
    })) as string;
    await call(app, { op: 'start', tid: finished });
    await app.next(event('completed', finished));
    const tid = (await call(app, {
      op: 'create',
      // The first request waits at the server, so the restart cuts it off; the second reads through.
      config: uploadConfig(uploadUrl(server, { id: 'across-restart', holdAfter: 2_000_000, faultTimes: 1 }), running),
    })) as string;
    await call(app, { op: 'start', tid });
    await server.waitFor((r) => r.id === 'across-restart' && r.bytesReceived > 0);

    await device.restartService();
    // The app subscribed again to the task it holds, and sees it end.
    await app.next(event('completed', tid));
    const records = server.byId('across-restart');
    expect(records).toHaveLength(2);
    expect(records[0]?.bodyComplete).toBe(false);
    expect(records[1]?.summary?.files[0]).toMatchObject({ size, sha256: sha });
    // The task that had ended is still known, with its token.
    expect(((await call(app, { op: 'show', tid: finished })) as { progress: { state: number } }).progress.state).toBe(
      State.COMPLETED,
    );
    await expect(call(app, { op: 'touch', tid: finished, token: 'other-token' })).rejects.toMatchObject({
      code: 21900006,
    });
    expect(await call(app, { op: 'search' })).toEqual([finished, tid]);
    expect((await device.serviceTasks()).map((t) => t.stateName)).toEqual(['COMPLETED', 'COMPLETED']);
  });
});
