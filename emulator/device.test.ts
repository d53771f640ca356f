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
    const size = 24_000_000;
    const path = `${FILES_DIR}/big.bin`;
    const sha = await device.writeFile(path, { size, seed: 7 });
    const first = await launchAgentApp(device);
    const url = uploadUrl(server, { id: 'survives-kill', readBps: 12_000_000 });
    const tid = (await call(first, {
      op: 'create',
      config: uploadConfig(url, path, { token: 'token-of-test' }),
    })) as string;
    await call(first, { op: 'start', tid });
    await first.next(event('progress', tid, (m) => (m.payload?.processed ?? 0) >= size * 0.4));
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
