/**
 * `request.agent` in an app process of an emulated device (emulator/device.ts): the app's side of the
 * module (the NAPI/JS layer), whose tasks run in the device's request service process
 * (device/service-main.ts), as on a device, where every agent task runs in the request service
 * (SDK `@ohos.request.d.ts`, `agent`: "All tasks will be executed at request manager service").
 *
 * - `create` checks the config here, synchronously, as the JS layer does (the same checks as in-process:
 *   agent-task.ts), creates the response body files in the context's cacheDir (`tmp_body_<i>_<ns>`,
 *   request_request `js_initialize.cpp` `CheckUploadBodyFiles`), then asks the service.
 * - A Task here holds the app's listeners; the service's notifications for it arrive over the socket, one
 *   per macrotask, in order. A live 'completed' reads the body file into `extras.body` and deletes it
 *   (`js_notify_data_listener.cpp` `ProcessHeaderReceive`); 'remove' deletes the task's body files
 *   (`js_task.cpp` `ClearTaskTemp`).
 * - `getTask(context, id, token)` subscribes this process to a task of the service (an earlier process's
 *   too) when the token matches; within one process it gives the same Task object (`GetTaskExecution`).
 *   Events sent before are not replayed.
 */
import { connect, type Socket } from 'node:net';
import { rmSync, readFileSync, writeFileSync } from 'node:fs';
import type { AsyncCallback, Callback } from '@ohos.base';
import type common from '@ohos.app.ability.common';
import type request from '@ohos.request';
import { EventQueue, Listeners } from '../dispatcher';
import { EmulatedBusinessError, requestError, RequestErrorCode } from '../errors';
import { getSandbox } from '../sandbox';
import { settings } from '../state';
import { deviceDirOfProcess, serviceSocketPath } from '../device/env';
import { readLines, type ServiceMessage, type ServiceOp, type TaskHandle, writeLine } from '../device/wire';
import { type AgentEvents, asCallback, checkToken, createTask, progressEvent } from './agent-task';
import { bodyValue, checkedCallback, complete, optionalCallback, paramError } from './napi';
import { contextDirs } from './paths';
import { State } from './agent-enums';

type Config = request.agent.Config;
type Progress = request.agent.Progress;
type HttpResponse = request.agent.HttpResponse;
type TaskInfo = request.agent.TaskInfo;
type ProgressCallback = (progress: Progress) => void;

/** The connection to the service, opened at the first call. */
class ServiceConnection {
  private socket: Socket | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: unknown): void }>();

  call(op: ServiceOp): Promise<unknown> {
    const socket = this.open();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      writeLine(socket, { ...op, id });
    });
  }

  private open(): Socket {
    if (this.socket !== undefined) return this.socket;
    const dir = deviceDirOfProcess();
    if (dir === undefined) throw new Error('not an app process of an emulated device');
    const socket = connect(serviceSocketPath(dir));
    const fail = (why: string): void => {
      for (const waiter of this.pending.values()) waiter.reject(requestError(RequestErrorCode.SERVICE, why));
      this.pending.clear();
    };
    socket.on('error', (error) => fail(String(error)));
    socket.on('close', () => {
      // The service died: the next call connects again (the JS layer loads the service on demand).
      if (this.socket === socket) this.socket = undefined;
      fail('the request service is gone');
    });
    readLines(socket, (value) => this.onMessage(value as ServiceMessage));
    this.socket = socket;
    return socket;
  }

  private onMessage(message: ServiceMessage): void {
    if ('event' in message) {
      tasks.get(message.tid)?.notify(message.event, message.payload);
      return;
    }
    const waiter = this.pending.get(message.id);
    if (waiter === undefined) return;
    this.pending.delete(message.id);
    if (message.ok) waiter.resolve(message.value);
    else waiter.reject(new EmulatedBusinessError(message.error.code, message.error.message));
  }
}

const service = new ServiceConnection();

/**
 * The service is back after it died: the process subscribes again to every task it holds, as the JS layer
 * does when the service's system ability is added again (request_request `js_task.cpp` `ReloadListener`).
 * Events sent while no subscription existed are lost.
 */
export function serviceRestarted(): void {
  for (const tid of tasks.keys()) void service.call({ op: 'subscribe', tid }).catch(() => undefined);
}
/** The Task objects of this process, by tid (the JS layer's `taskMap_`). */
const tasks = new Map<string, RemoteTask>();

class RemoteTask implements request.agent.Task {
  readonly tid: string;
  config: Config;
  private readonly listeners = new Listeners<AgentEvents>();
  private readonly queue = new EventQueue();

  constructor(
    handle: TaskHandle,
    /** The body files the JS layer created for the task (one per file), sandbox paths. */
    private readonly bodyFiles: readonly string[],
  ) {
    this.tid = handle.tid;
    this.config = handle.config as Config;
  }

  on(event: 'progress' | 'completed' | 'failed' | 'pause' | 'resume' | 'remove', callback: ProgressCallback): void;
  on(event: 'response', callback: Callback<HttpResponse>): void;
  on(event: string, callback: unknown): void {
    if (event === 'response') this.listeners.add('response', checkedCallback<Callback<HttpResponse>>(callback));
    else this.listeners.add(progressEvent(event), checkedCallback<ProgressCallback>(callback));
  }

  off(event: 'progress' | 'completed' | 'failed' | 'pause' | 'resume' | 'remove', callback?: ProgressCallback): void;
  off(event: 'response', callback?: Callback<HttpResponse>): void;
  off(event: string, callback?: unknown): void {
    if (event === 'response') this.listeners.remove('response', optionalCallback<Callback<HttpResponse>>(callback));
    else this.listeners.remove(progressEvent(event), optionalCallback<ProgressCallback>(callback));
  }

  start(callback: AsyncCallback<void>): void;
  start(): Promise<void>;
  start(callback?: unknown): Promise<void> | void {
    return complete(
      asCallback<void>(callback),
      async () => void (await service.call({ op: 'start', tid: this.tid })),
      10,
    );
  }

  stop(callback: AsyncCallback<void>): void;
  stop(): Promise<void>;
  stop(callback?: unknown): Promise<void> | void {
    return complete(
      asCallback<void>(callback),
      async () => {
        await service.call({ op: 'stop', tid: this.tid });
        this.queue.clear();
      },
      10,
    );
  }

  listenerCount(): number {
    return this.listeners.count();
  }

  /** A notification of the service for this task. */
  notify(event: keyof AgentEvents, payload: unknown): void {
    if (event === 'response') {
      const response = payload as Omit<HttpResponse, 'headers'> & { headers: Array<[string, string[]]> };
      const value: HttpResponse = { ...response, headers: new Map(response.headers) };
      this.queue.post(() => this.listeners.emit('response', value));
      return;
    }
    const progress = payload as Progress;
    if (event === 'completed' && progress.state === State.COMPLETED) {
      this.queue.post(() => this.listeners.emit('completed', this.withBody(progress)));
      return;
    }
    if (event === 'remove') {
      this.queue.post(() => {
        this.listeners.emit('remove', progress);
        this.listeners.clear();
        tasks.delete(this.tid);
        this.removeBodyFiles();
      });
      return;
    }
    this.queue.post(() => this.listeners.emit(event, progress));
  }

  removeBodyFiles(): void {
    for (const path of this.bodyFiles) {
      const real = getSandbox().realPath(path);
      if (real !== undefined) rmSync(real, { force: true });
    }
  }

  /** The body file of the file at `index`, read into `extras.body` and deleted. */
  private withBody(progress: Progress): Progress {
    const headers = (progress.extras ?? {}) as Record<string, string>;
    let bytes = Buffer.alloc(0);
    const path = this.bodyFiles[progress.index];
    const real = path === undefined ? undefined : getSandbox().realPath(path);
    if (real !== undefined) {
      try {
        bytes = readFileSync(real);
      } catch {
        // No body file (deleted by the app): the body is empty.
      }
      rmSync(real, { force: true });
    }
    const body = bodyValue(bytes);
    return { ...progress, extras: settings.nestedExtras ? { headers, body } : { ...headers, body } };
  }
}

export function create(context: common.BaseContext, config: Config, callback: AsyncCallback<request.agent.Task>): void;
export function create(context: common.BaseContext, config: Config): Promise<request.agent.Task>;
export function create(context: unknown, config: unknown, callback?: unknown): Promise<request.agent.Task> | void {
  // The JS layer's checks, thrown synchronously, with the files opened and closed again.
  const probe = createTask(context, config);
  const files = probe.fileCount();
  probe.discard();
  const { cacheDir } = contextDirs(context);
  const bodyFiles = createBodyFiles(cacheDir, files);
  return complete(
    asCallback<request.agent.Task>(callback),
    async () => {
      try {
        const handle = (await service.call({ op: 'create', cacheDir, config, bodyFiles })) as TaskHandle;
        const task = new RemoteTask(handle, bodyFiles);
        tasks.set(task.tid, task);
        return task;
      } catch (error) {
        for (const path of bodyFiles) rmSync(getSandbox().realPath(path) ?? '', { force: true });
        throw error;
      }
    },
    10,
  );
}

function createBodyFiles(cacheDir: string, count: number): string[] {
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const path = `${cacheDir}/tmp_body_${i}_${process.hrtime.bigint()}`;
    const real = getSandbox().realPath(path);
    if (real === undefined) paramError('Parameter verification failed, UploadBodyFiles error fail path');
    writeFileSync(real, '');
    paths.push(path);
  }
  return paths;
}

export function remove(id: string, callback: AsyncCallback<void>): void;
export function remove(id: string): Promise<void>;
export function remove(id: unknown, callback?: unknown): Promise<void> | void {
  if (typeof id !== 'string') paramError('Incorrect parameter type, tid is not a string');
  return complete(
    asCallback<void>(callback),
    async () => {
      await service.call({ op: 'remove', tid: id });
      // The app's JS layer drops its temporary files of the task (ClearTaskTemp).
      tasks.get(id)?.removeBodyFiles();
    },
    10,
  );
}

export function show(id: string, callback: AsyncCallback<TaskInfo>): void;
export function show(id: string): Promise<TaskInfo>;
export function show(id: unknown, callback?: unknown): Promise<TaskInfo> | void {
  if (typeof id !== 'string') paramError('Incorrect parameter type, tid is not a string');
  return complete(
    asCallback<TaskInfo>(callback),
    async () => (await service.call({ op: 'show', tid: id })) as TaskInfo,
    10,
  );
}

export function touch(id: string, token: string, callback: AsyncCallback<TaskInfo>): void;
export function touch(id: string, token: string): Promise<TaskInfo>;
export function touch(id: unknown, token: unknown, callback?: unknown): Promise<TaskInfo> | void {
  if (typeof id !== 'string') paramError('Incorrect parameter type, tid is not a string');
  checkToken(token);
  return complete(
    asCallback<TaskInfo>(callback),
    async () => (await service.call({ op: 'touch', tid: id, token: token as string })) as TaskInfo,
    10,
  );
}

export function search(callback: AsyncCallback<string[]>): void;
export function search(filter: request.agent.Filter, callback: AsyncCallback<string[]>): void;
export function search(filter?: request.agent.Filter): Promise<string[]>;
export function search(first?: unknown, second?: unknown): Promise<string[]> | void {
  const callback = asCallback<string[]>(typeof first === 'function' ? first : second);
  const filter = typeof first === 'function' ? undefined : first;
  return complete(callback, async () => (await service.call({ op: 'search', filter: filter ?? null })) as string[], 10);
}

export function getTask(context: common.BaseContext, id: string, token?: string): Promise<request.agent.Task> {
  contextDirs(context);
  if (typeof id !== 'string') paramError('Incorrect parameter type, tid is not of string type');
  if (id === '') paramError('Parameter verification failed, tid is empty');
  if (token !== undefined) checkToken(token);
  const wanted = token ?? 'null';
  return (async () => {
    const own = tasks.get(id);
    const handle = (await service.call({ op: 'getTask', tid: id, token: wanted })) as TaskHandle;
    if (own !== undefined) return own;
    const task = new RemoteTask(handle, handle.bodyFiles);
    tasks.set(task.tid, task);
    return task;
  })();
}

/** Listeners on this process's Task objects (`emulationStats().listeners` in an app process). */
export function remoteListenerCount(): number {
  let total = 0;
  for (const task of tasks.values()) total += task.listenerCount();
  return total;
}

/** Task objects this process holds (created or got, not removed). */
export function remoteTaskCount(): number {
  return tasks.size;
}
