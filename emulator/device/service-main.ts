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
import { Faults, State } from '../ohos.request/agent-enums';
import {
  type AgentTask,
  checkToken,
  create,
  getTask,
  remove,
  restoreTask,
  search,
  show,
  touch,
} from '../ohos.request/agent-task';
import { REASONS } from '../ohos.request/reasons';
import { BUNDLE_NAME, getSandbox } from '../sandbox';
import { settings, taskHooks } from '../state';
import { DEVICE_DIR_ENV, PROGRESS_INTERVAL_ENV, serviceSocketPath, serviceStorePath, TIME_SCALE_ENV } from './env';
import type { DeviceToService, ServiceToDevice } from './protocol';
import { readStoreFile, type StoredTask, writeStoreFile } from './store';
import { readLines, type ServiceNotification, type ServiceRequest, type TaskHandle, writeLine } from './wire';

const deviceDir = process.env[DEVICE_DIR_ENV];
if (deviceDir === undefined || deviceDir === '') throw new Error(`${DEVICE_DIR_ENV} is not set`);
const timeScale = Number(process.env[TIME_SCALE_ENV] ?? '1');
if (Number.isFinite(timeScale) && timeScale > 0) settings.timeScale = timeScale;
const interval = Number(process.env[PROGRESS_INTERVAL_ENV] ?? '1000');
if (Number.isFinite(interval) && interval >= 0) settings.progressIntervalMs = interval;

interface ServiceTask {
  readonly task: AgentTask;
  readonly cacheDir: string;
  readonly bodyFiles: string[];
  readonly subscribers: Set<Socket>;
}

/** Every task created since the service started, removed ones too (the store keeps them). */
const tasks = new Map<string, ServiceTask>();
/** Tasks that had ended before the service restarted: only their record (show, touch, search, getTask). */
const ended = new Map<string, StoredTask>();
const ENDED_STATES: ReadonlySet<number> = new Set([State.COMPLETED, State.FAILED, State.STOPPED, State.REMOVED]);
/** `restore_all_tasks` runs 10 s after the service starts (services/src/manage/task_manager.rs). */
const RESTORE_AFTER_MS = 10_000;
const EVENTS = ['progress', 'completed', 'failed', 'response', 'pause', 'resume', 'remove'] as const;

function toDevice(message: ServiceToDevice): void {
  if (process.connected) process.send?.(message);
}

let storeWrite: NodeJS.Immediate | undefined;
function saveStore(): void {
  if (storeWrite !== undefined) return;
  storeWrite = setImmediate(() => {
    storeWrite = undefined;
    writeStoreFile(serviceStorePath(deviceDir as string), [...ended.values(), ...[...tasks.values()].map(record)]);
    toDevice({ kind: 'svc:store' });
  });
}
taskHooks.changed = () => saveStore();

function record({ task, cacheDir, bodyFiles }: ServiceTask): StoredTask {
  const info = task.info() as request.agent.TaskInfo & { mtime: number; tries: number; extras: Record<string, string> };
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
    config: task.config,
    cacheDir,
    bodyFiles,
    headers: { ...info.extras },
    info: JSON.parse(JSON.stringify(info)),
  };
}

/**
 * The service starts again after it died: the tasks of its store are made again. Those that had ended keep
 * their record; those that ran or waited wait, and are rescheduled 10 s (scaled) later, from their current
 * file, from byte 0. A task whose files are gone fails (reason 20, "Some other error occured":
 * `reschedule_inner` in services/src/manage/scheduler/queue/mod.rs fails a task it cannot build).
 */
function restore(): void {
  const restored: AgentTask[] = [];
  for (const stored of readStoreFile(serviceStorePath(deviceDir as string))) {
    if (ENDED_STATES.has(stored.state) || stored.config === undefined) {
      ended.set(stored.tid, stored);
      continue;
    }
    try {
      const task = restoreTask(stored.cacheDir, stored.config, {
        tid: stored.tid,
        ctime: stored.ctime,
        index: stored.index,
        tries: stored.tries,
        headers: stored.headers ?? {},
      });
      const entry: ServiceTask = {
        task,
        cacheDir: stored.cacheDir,
        bodyFiles: [...stored.bodyFiles],
        subscribers: new Set(),
      };
      tasks.set(task.tid, entry);
      forward(entry);
      restored.push(task);
    } catch {
      const info = stored.info as Record<string, unknown> & { progress: Record<string, unknown> };
      ended.set(stored.tid, {
        ...stored,
        state: State.FAILED,
        reason: REASONS.OTHERS.message,
        mtime: Date.now(),
        info: {
          ...info,
          progress: { ...info.progress, state: State.FAILED },
          reason: REASONS.OTHERS.message,
          faults: Faults.OTHERS,
        },
      });
    }
  }
  if (restored.length > 0) {
    setTimeout(() => {
      for (const task of restored) task.resumeRestored();
    }, RESTORE_AFTER_MS * settings.timeScale);
  }
  saveStore();
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
      const entry: ServiceTask = {
        task,
        cacheDir: message.cacheDir,
        bodyFiles: [...message.bodyFiles],
        subscribers: new Set([socket]),
      };
      tasks.set(task.tid, entry);
      forward(entry);
      saveStore();
      return handleOf(entry);
    }
    case 'getTask': {
      const old = ended.get(message.tid);
      if (old !== undefined) {
        if (old.token !== message.token || old.state === State.REMOVED) throw notFound();
        return { tid: old.tid, config: old.config, bodyFiles: old.bodyFiles };
      }
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
    case 'subscribe': {
      // A process re-subscribes its tasks when the service is back (`JsTask::ReloadListener`).
      tasks.get(message.tid)?.subscribers.add(socket);
      return undefined;
    }
    case 'start':
      return entryOf(message.tid).task.start();
    case 'stop':
      return entryOf(message.tid).task.stop();
    case 'remove': {
      const old = ended.get(message.tid);
      if (old !== undefined) {
        if (old.state === State.REMOVED) throw notFound();
        ended.set(old.tid, { ...old, state: State.REMOVED, mtime: Date.now() });
        saveStore();
        return undefined;
      }
      await remove(message.tid);
      saveStore();
      return undefined;
    }
    case 'show': {
      const old = ended.get(message.tid);
      if (old !== undefined && old.state !== State.REMOVED) return old.info;
      return show(message.tid);
    }
    case 'touch': {
      const old = ended.get(message.tid);
      if (old !== undefined && old.state !== State.REMOVED) {
        checkToken(message.token);
        if (old.token !== message.token) throw notFound();
        return old.info;
      }
      return touch(message.tid, message.token);
    }
    case 'search': {
      const filter = (message.filter ?? undefined) as request.agent.Filter | undefined;
      const live = await search(filter);
      const before = filter?.before ?? Date.now();
      const after = filter?.after ?? before - 24 * 60 * 60 * 1000;
      const old = [...ended.values()].filter(
        (task) =>
          task.state !== State.REMOVED &&
          task.ctime >= after &&
          task.ctime <= before &&
          (filter?.state === undefined || filter.state === task.state) &&
          (filter?.mode === undefined || filter.mode === task.mode),
      );
      return [...old.map((task) => task.tid), ...live];
    }
  }
}

function handleOf(entry: ServiceTask): TaskHandle {
  return { tid: entry.task.tid, config: entry.task.config, bodyFiles: entry.bodyFiles };
}

function entryOf(tid: string): ServiceTask {
  const entry = tasks.get(tid);
  if (entry === undefined) throw notFound();
  return entry;
}

function notFound(): Error {
  return Object.assign(new Error('task not found   task not found error'), { code: 21900006 });
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

restore();
const socketPath = serviceSocketPath(deviceDir);
rmSync(socketPath, { force: true });
server.listen(socketPath, () => toDevice({ kind: 'svc:ready' }));
