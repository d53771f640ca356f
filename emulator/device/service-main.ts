/**
 * The request service of an emulated device, as a process of its own (started by emulator/device.ts): the
 * `request.agent` tasks of the device's app run here, with the emulation's service code
 * (ohos.request/agent-task.ts and the scheduler), not in the app's process. So an app process that dies
 * leaves its tasks running (request_request `services/src/manage/app_state.rs`: a dead process only loses
 * its subscriptions), and a new app process finds them with `getTask`/`show`/`touch`/`search`.
 *
 * - App processes connect to `<device dir>/service.sock` (device/wire.ts). A connection is subscribed to the
 *   tasks it created or got with `getTask`; a closed connection (a dead app) is dropped with its
 *   subscriptions. Notifications are sent only to connections subscribed at that moment: nothing is
 *   replayed (`services/src/service/command/subscribe.rs`).
 * - The body of a completed upload is written to the body file the app's JS layer created in its cacheDir
 *   (`tmp_body_<index>_<ns>`, request_request `js_initialize.cpp` `CheckUploadBodyFiles`), whether or not an
 *   app is listening; the app reads it when a live 'completed' arrives.
 * - Every change of a task is written to the store (device/store.ts), and the device is told.
 * - The device sends the app's state (foreground, background, terminated) and the network.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import type request from '@ohos.request';
import { changeAppState, changeNetwork } from '../app-state';
import { State } from '../ohos.request/agent-enums';
import { type AgentTask, create, getTask, remove, search, show, touch } from '../ohos.request/agent-task';
import { BUNDLE_NAME, getSandbox } from '../sandbox';
import { settings, taskHooks } from '../state';
import { DEVICE_DIR_ENV, PROGRESS_INTERVAL_ENV, serviceSocketPath, serviceStorePath, TIME_SCALE_ENV } from './env';
import type { DeviceToService, ServiceToDevice } from './protocol';
import { type StoredTask, writeStoreFile } from './store';
import { readLines, type ServiceNotification, type ServiceRequest, type TaskHandle, writeLine } from './wire';

const deviceDir = process.env[DEVICE_DIR_ENV];
if (deviceDir === undefined || deviceDir === '') throw new Error(`${DEVICE_DIR_ENV} is not set`);
const timeScale = Number(process.env[TIME_SCALE_ENV] ?? '1');
if (Number.isFinite(timeScale) && timeScale > 0) settings.timeScale = timeScale;
const interval = Number(process.env[PROGRESS_INTERVAL_ENV] ?? '1000');
if (Number.isFinite(interval) && interval >= 0) settings.progressIntervalMs = interval;

interface ServiceTask {
  readonly task: AgentTask;
  readonly bodyFiles: string[];
  readonly subscribers: Set<Socket>;
}

/** Every task created since the service started, removed ones too (the store keeps them). */
const tasks = new Map<string, ServiceTask>();
const EVENTS = ['progress', 'completed', 'failed', 'response', 'pause', 'resume', 'remove'] as const;

function toDevice(message: ServiceToDevice): void {
  if (process.connected) process.send?.(message);
}

let storeWrite: NodeJS.Immediate | undefined;
function saveStore(): void {
  if (storeWrite !== undefined) return;
  storeWrite = setImmediate(() => {
    storeWrite = undefined;
    writeStoreFile(serviceStorePath(deviceDir as string), [...tasks.values()].map(record));
    toDevice({ kind: 'svc:store' });
  });
}
taskHooks.changed = () => saveStore();

function record({ task }: ServiceTask): StoredTask {
  const info = task.info() as request.agent.TaskInfo & { mtime: number; tries: number };
  const snapshot = task.engineSnapshot();
  return {
    tid: task.tid,
    token: task.token,
    mode: task.mode,
    state: info.progress.state,
    reason: info.reason,
    url: typeof info.url === 'string' ? info.url : '',
    files: task.filePaths(),
    index: snapshot.index,
    processed: [...snapshot.processed],
    sizes: [...snapshot.sizes],
    tries: snapshot.tries,
    attempts: snapshot.attempts,
    ctime: info.ctime,
    mtime: info.mtime,
  };
}

function forward(entry: ServiceTask): void {
  const { task } = entry;
  for (const event of EVENTS) {
    const listener = (payload: unknown): void => {
      const notification: ServiceNotification = { event, tid: task.tid, payload: wirePayload(entry, event, payload) };
      for (const socket of entry.subscribers) writeLine(socket, notification);
    };
    if (event === 'response') task.on('response', listener);
    else task.on(event, listener);
  }
}

/** 'completed': the body goes to the body file of the last file; 'response': headers as entries. */
function wirePayload(entry: ServiceTask, event: ServiceNotification['event'], payload: unknown): unknown {
  if (event === 'response') {
    const response = payload as request.agent.HttpResponse;
    return { ...response, headers: [...response.headers.entries()] };
  }
  const progress = payload as request.agent.Progress;
  if (event !== 'completed' || progress.state !== State.COMPLETED) return progress;
  const { body, ...headers } = (progress.extras ?? {}) as Record<string, unknown>;
  const bodyFile = entry.bodyFiles[progress.index];
  if (bodyFile !== undefined) {
    const real = getSandbox().realPath(bodyFile);
    if (real !== undefined && existsSync(real)) {
      const bytes =
        typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from((body ?? new ArrayBuffer(0)) as ArrayBuffer);
      writeFileSync(real, bytes);
    }
  }
  return { ...progress, extras: headers };
}

async function handle(socket: Socket, message: ServiceRequest): Promise<unknown> {
  switch (message.op) {
    case 'create': {
      const context = { stageMode: true, applicationInfo: { name: BUNDLE_NAME }, cacheDir: message.cacheDir };
      const task = (await create(context as never, message.config as request.agent.Config)) as AgentTask;
      const entry: ServiceTask = { task, bodyFiles: [...message.bodyFiles], subscribers: new Set([socket]) };
      tasks.set(task.tid, entry);
      forward(entry);
      saveStore();
      return handleOf(entry);
    }
    case 'getTask': {
      const context = {
        stageMode: true,
        applicationInfo: { name: BUNDLE_NAME },
        cacheDir: '/data/storage/el2/base/haps/entry/cache',
      };
      await getTask(context as never, message.tid, message.token === 'null' ? undefined : message.token);
      const entry = tasks.get(message.tid);
      if (entry === undefined) throw new Error(`task ${message.tid} is not the service's`);
      entry.subscribers.add(socket);
      return handleOf(entry);
    }
    case 'start':
      return entryOf(message.tid).task.start();
    case 'stop':
      return entryOf(message.tid).task.stop();
    case 'remove': {
      await remove(message.tid);
      saveStore();
      return undefined;
    }
    case 'show':
      return show(message.tid);
    case 'touch':
      return touch(message.tid, message.token);
    case 'search':
      return search((message.filter ?? undefined) as request.agent.Filter | undefined);
  }
}

function handleOf(entry: ServiceTask): TaskHandle {
  return { tid: entry.task.tid, config: entry.task.config, bodyFiles: entry.bodyFiles };
}

function entryOf(tid: string): ServiceTask {
  const entry = tasks.get(tid);
  if (entry === undefined) throw Object.assign(new Error('task not found'), { code: 21900006 });
  return entry;
}

const server = createServer((socket) => {
  socket.on('error', () => undefined);
  socket.on('close', () => {
    // The app process is gone: its subscriptions go, its tasks stay (app_state.rs, client/manager.rs).
    for (const entry of tasks.values()) entry.subscribers.delete(socket);
  });
  readLines(socket, (value) => {
    const message = value as ServiceRequest;
    handle(socket, message).then(
      (result) => writeLine(socket, { id: message.id, ok: true, value: result ?? null }),
      (error: unknown) => {
        const { code, message: text } = error as { code?: unknown; message?: unknown };
        writeLine(socket, {
          id: message.id,
          ok: false,
          error: { code: typeof code === 'number' ? code : 13400003, message: String(text) },
        });
      },
    );
  });
});

process.on('message', (raw: unknown) => {
  const message = raw as DeviceToService;
  if (message.kind === 'svc:app-state') {
    changeAppState(message.state === 'terminated' ? 'background' : message.state);
  } else if (message.kind === 'svc:network') {
    changeNetwork(message.network);
  }
});
process.on('disconnect', () => process.exit(0));

const socketPath = serviceSocketPath(deviceDir);
rmSync(socketPath, { force: true });
server.listen(socketPath, () => toDevice({ kind: 'svc:ready' }));
