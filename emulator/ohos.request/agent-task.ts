/**
 * `request.agent` uploads (API 10+), docs/platform/ohos.request.md §1b and the SDK doc comments of `agent.Config`,
 * `FileSpec`, `Progress`, `HttpResponse`, `Task`, `create` and `remove`.
 *
 * - `create` checks the config (errors thrown synchronously, as for `uploadFile`), opens the files and
 *   returns a Task in state INITIALIZED that does nothing until `start()`.
 * - Events: 'progress' (state RUNNING, `processed` = bytes of the current file `index`, as the SDK doc of
 *   `Progress.processed` says and the service sends `processed[index]`), throttled plus a final one;
 *   'response' for the final response of every file's request, 4xx/5xx included; then 'completed'
 *   (state COMPLETED, `extras` = flat lower-cased response headers plus `body`) or 'failed' (state FAILED;
 *   `extras` carries `body: ''`). Every Progress has `extras` (`Convert2JSValue(Progress)` always sets it).
 * - Listeners stay until `request.agent.remove(tid)`, which stops a running task (no 'completed'/'failed'
 *   follows; a 'remove' listener gets the REMOVED progress) and frees it; unknown ids reject with 21900006.
 * - `start()` hands the task to the scheduler (scheduler.ts, docs/platform/ohos.request.md §1d): it runs,
 *   or waits (WAITING) for the network or the app; the network and the app's state may park it (it sends
 *   its current file again from byte 0 when it runs again) or fail it.
 * - `getTask`, `touch`, `search` (§1d): token checks as the service makes them (`query.rs`).
 *
 * This is the request service and the app's JS layer in one process. On an emulated device the app's side
 * is agent-remote.ts and this module runs in the device's service process (device/service-main.ts).
 */
import type { AsyncCallback, Callback } from '@ohos.base';
import type common from '@ohos.app.ability.common';
import type request from '@ohos.request';
import { Action, Mode, Network, State } from './agent-enums';
import { EventQueue, Listeners } from '../dispatcher';
import { requestError, RequestErrorCode } from '../errors';
import { flatHeaders, headerMap, type FilePart, type FormField, type ResponseInfo } from './http-transfer';
import {
  beginsProperty,
  bodyValue,
  checkedCallback,
  complete,
  endsProperty,
  fileNameOf,
  flagProperty,
  headerEntries,
  isObject,
  isValidUrl,
  numberProperty,
  optionalCallback,
  paramError,
  stringProperty,
  typeFromFileName,
  uploadMethod,
} from './napi';
import { reasonOf, REASONS, type Reason } from './reasons';
import {
  contextDirs,
  isUserFile,
  openFileSpecPath,
  openUserFileSpec,
  type ContextDirs,
  type OpenedFile,
} from './paths';
import { agentTasks, settings, taskHooks, type LiveAgentTask } from '../state';
import { admission, registerTask, unregisterTask, type SchedulableTask } from './scheduler';
import { rangeOf, UploadEngine, type EngineConfig, type EngineResult, type ProgressSnapshot } from './upload-engine';

export { Action, Faults, Mode, Network, State } from './agent-enums';

type Config = request.agent.Config;
type Progress = request.agent.Progress;
type HttpResponse = request.agent.HttpResponse;
type TaskInfo = request.agent.TaskInfo;
type ProgressCallback = (progress: Progress) => void;

export interface AgentEvents {
  progress: [progress: Progress];
  completed: [progress: Progress];
  failed: [progress: Progress];
  response: [response: HttpResponse];
  pause: [progress: Progress];
  resume: [progress: Progress];
  remove: [progress: Progress];
}

const PROGRESS_EVENTS = new Set(['progress', 'completed', 'failed', 'pause', 'resume', 'remove'] as const);
type ProgressEvent = typeof PROGRESS_EVENTS extends Set<infer E> ? E : never;

const TITLE_MAXIMUM = 256;
const DESCRIPTION_MAXIMUM = 1024;
const PROXY_MAXIMUM = 512;
const TOKEN_BYTES = { min: 8, max: 2048 };

/** Task ids are numbers unique on the device, handed out as strings. */
let nextTid = 100_000_000 + Math.floor(Math.random() * 1_000_000);

export function create(context: common.BaseContext, config: Config, callback: AsyncCallback<request.agent.Task>): void;
export function create(context: common.BaseContext, config: Config): Promise<request.agent.Task>;
export function create(context: unknown, config: unknown, callback?: unknown): Promise<request.agent.Task> | void {
  const task = createTask(context, config);
  agentTasks.set(task.tid, task);
  return complete(asCallback<request.agent.Task>(callback), () => Promise.resolve<request.agent.Task>(task), 10);
}

export function remove(id: string, callback: AsyncCallback<void>): void;
export function remove(id: string): Promise<void>;
export function remove(id: unknown, callback?: unknown): Promise<void> | void {
  if (typeof id !== 'string') paramError('Incorrect parameter type, tid is not a string');
  return complete(
    asCallback<void>(callback),
    async () => {
      await taskOf(id).remove();
    },
    10,
  );
}

/** `request.agent.show` (API 10): what the service knows of a task of the app; 21900006 when unknown. */
export function show(id: string, callback: AsyncCallback<TaskInfo>): void;
export function show(id: string): Promise<TaskInfo>;
export function show(id: unknown, callback?: unknown): Promise<TaskInfo> | void {
  if (typeof id !== 'string') paramError('Incorrect parameter type, tid is not a string');
  return complete(asCallback<TaskInfo>(callback), async () => taskOf(id).info(), 10);
}

/** `request.agent.touch` (API 10): `show` for a task created with this token; 21900006 otherwise. */
export function touch(id: string, token: string, callback: AsyncCallback<TaskInfo>): void;
export function touch(id: string, token: string): Promise<TaskInfo>;
export function touch(id: unknown, token: unknown, callback?: unknown): Promise<TaskInfo> | void {
  if (typeof id !== 'string') paramError('Incorrect parameter type, tid is not a string');
  checkToken(token);
  return complete(
    asCallback<TaskInfo>(callback),
    async () => {
      const task = taskOf(id);
      if (task.token !== token) throw requestError(RequestErrorCode.TASK_NOT_FOUND, 'task not found error');
      return task.info();
    },
    10,
  );
}

/** `request.agent.search` (API 10): ids of the app's tasks created in [after, before] (default: the last 24 h). */
export function search(callback: AsyncCallback<string[]>): void;
export function search(filter: request.agent.Filter, callback: AsyncCallback<string[]>): void;
export function search(filter?: request.agent.Filter): Promise<string[]>;
export function search(first?: unknown, second?: unknown): Promise<string[]> | void {
  const callback = asCallback<string[]>(typeof first === 'function' ? first : second);
  const filter = typeof first === 'function' ? undefined : first;
  return complete(callback, async () => searchTasks(filter), 10);
}

/** `request.agent.getTask` (API 11): the Task of an id, when the token matches the task's ("null" when none). */
export function getTask(context: common.BaseContext, id: string, token?: string): Promise<request.agent.Task> {
  contextDirs(context);
  if (typeof id !== 'string') paramError('Incorrect parameter type, tid is not of string type');
  if (id === '') paramError('Parameter verification failed, tid is empty');
  if (token !== undefined) checkToken(token);
  return (async () => {
    const task = agentTasks.get(id);
    if (!(task instanceof AgentTask) || task.token !== (token ?? 'null')) {
      throw requestError(RequestErrorCode.TASK_NOT_FOUND, 'task not found error');
    }
    return task;
  })();
}

const DAY_MS = 24 * 60 * 60 * 1000;

function searchTasks(filter: unknown): string[] {
  const before = isObject(filter) && typeof filter.before === 'number' ? filter.before : Date.now();
  const after = isObject(filter) && typeof filter.after === 'number' ? filter.after : before - DAY_MS;
  if (before < after) paramError('Parameter verification failed, filter before is small than after');
  const ids: string[] = [];
  for (const task of agentTasks.values()) {
    if (task instanceof AgentTask && task.matches(filter, after, before)) ids.push(task.tid);
  }
  return ids;
}

export function checkToken(token: unknown): void {
  if (typeof token !== 'string') paramError('Incorrect parameter type, token is not of string type');
  const bytes = Buffer.byteLength(token, 'utf8');
  if (bytes < TOKEN_BYTES.min || bytes > TOKEN_BYTES.max) {
    paramError('Parameter verification failed, the length of token should between 8 and 2048 bytes');
  }
}

function taskOf(id: string): AgentTask {
  const task = agentTasks.get(id);
  if (!(task instanceof AgentTask)) throw requestError(RequestErrorCode.TASK_NOT_FOUND, 'task not found');
  return task;
}

/**
 * `TaskInfo` as `Convert2JSValue(TaskInfo)` fills it for an app (request_request `napi_utils.cpp`): more
 * than the project declares. `faults` is null while the task has no failure reason.
 */
interface EmulatedTaskInfo extends TaskInfo {
  readonly url: string;
  readonly saveas: string;
  readonly data: request.agent.FormItem[];
  readonly title: string;
  readonly description: string;
  readonly action: number;
  readonly mode: number;
  readonly mimeType: string;
  readonly gauge: boolean;
  readonly priority: number;
  readonly ctime: number;
  readonly mtime: number;
  readonly retry: boolean;
  readonly tries: number;
  readonly extras: Record<string, string>;
}

interface TaskDescription {
  readonly config: Config;
  readonly engine: EngineConfig;
  readonly files: readonly OpenedFile[];
  readonly mode: number;
  readonly retry: boolean;
  /** `Config.network` (ANY when absent or not one of the three), `metered` (default false), `roaming` (default true). */
  readonly network: number;
  readonly metered: boolean;
  readonly roaming: boolean;
  /** A task the service read back from its store after a restart (device/service-main.ts). */
  readonly restored?: RestoredTask;
}

/** What a restarted service knows of a task that was running or waiting: from its store. */
export interface RestoredTask {
  readonly tid: string;
  readonly ctime: number;
  /** The file being sent; the files before it were sent. */
  readonly index: number;
  readonly tries: number;
  /** Headers of the last file answered. */
  readonly headers: Record<string, string>;
}

export class AgentTask implements request.agent.Task, LiveAgentTask, SchedulableTask {
  readonly tid: string;
  config: Config;
  /** `Config.token`, "null" without one (the service's default). */
  readonly token: string;
  private state: number = State.INITIALIZED;
  private reason: Reason = REASONS.OK;
  private readonly ctime: number;
  private mtime: number;
  private readonly listeners = new Listeners<AgentEvents>();
  private readonly queue = new EventQueue();
  private readonly engine: UploadEngine;
  /** Headers of the last file answered 2xx (the service keeps them in `progress.extras`). */
  private lastHeaders: Record<string, string> = {};
  /** The run of the engine under way (a parked task runs again only after it has ended). */
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly description: TaskDescription) {
    const restored = description.restored;
    this.tid = restored?.tid ?? String(nextTid++);
    if (restored !== undefined) nextTid = Math.max(nextTid, Number(restored.tid) + 1);
    this.ctime = restored?.ctime ?? Date.now();
    this.mtime = this.ctime;
    this.lastHeaders = { ...restored?.headers };
    this.config = description.config;
    this.token = typeof description.config.token === 'string' ? description.config.token : 'null';
    this.engine = new UploadEngine(
      description.engine,
      {
        progress: (snapshot) => {
          taskHooks.changed?.(this);
          this.post(() => this.listeners.emit('progress', this.progress(this.runningState(), snapshot)));
        },
        response: (_index, response) => this.onResponse(response),
        fileDone: (_index, response) => {
          this.lastHeaders = flatHeaders(response.headers);
        },
      },
      this.ctime,
    );
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
      async () => {
        // Only a task just created can start; a stopped or failed upload cannot (SDK doc of `start`).
        if (this.state === State.REMOVED) throw requestError(RequestErrorCode.TASK_NOT_FOUND, 'task removed');
        if (this.state !== State.INITIALIZED) throw requestError(RequestErrorCode.TASK_STATE, 'task state error');
        registerTask(this);
        this.schedule();
      },
      10,
    );
  }

  get mode(): number {
    return this.description.mode;
  }

  get network(): number {
    return this.description.network;
  }

  get metered(): boolean {
    return this.description.metered;
  }

  get roaming(): boolean {
    return this.description.roaming;
  }

  get mayWait(): boolean {
    return this.description.mode === Mode.BACKGROUND && this.description.retry;
  }

  isRunning(): boolean {
    return this.state === State.RUNNING || this.state === State.RETRYING;
  }

  waitingReason(): Reason | undefined {
    return this.state === State.WAITING ? this.reason : undefined;
  }

  park(reason: Reason): void {
    if (!this.isRunning()) return;
    const snapshot = this.engine.snapshot();
    const last = this.progress(this.runningState(), snapshot);
    this.setState(State.WAITING, reason);
    // The running task's end sends the progress so far (running_task.rs `drop`).
    this.post(() => this.listeners.emit('progress', last));
    void this.engine.abort();
  }

  fail(reason: Reason): void {
    if (!this.isActive()) return;
    const wasRunning = this.isRunning();
    const snapshot = this.engine.snapshot();
    const last = this.progress(this.runningState(), snapshot);
    this.setState(State.FAILED, reason);
    unregisterTask(this);
    if (wasRunning) this.post(() => this.listeners.emit('progress', last));
    const failed = this.progress(State.FAILED, snapshot);
    this.post(() => this.listeners.emit('failed', failed));
    void this.engine.abort().then(() => this.closeFiles());
  }

  rewait(reason: Reason): void {
    if (this.state === State.WAITING) this.setState(State.WAITING, reason);
  }

  reschedule(): void {
    if (this.state === State.WAITING) this.schedule();
  }

  /** Runs the task now, or leaves it WAITING with the reason the scheduler gives. */
  private schedule(): void {
    const wait = admission(this);
    if (wait !== undefined) {
      this.setState(State.WAITING, wait);
      return;
    }
    this.setState(State.RUNNING, REASONS.OK);
    const previous = this.running;
    this.running = (async () => {
      await previous;
      if (!this.isRunning()) return;
      this.engine.rearm();
      await this.run();
    })();
  }

  stop(callback: AsyncCallback<void>): void;
  stop(): Promise<void>;
  stop(callback?: unknown): Promise<void> | void {
    return complete(
      asCallback<void>(callback),
      async () => {
        if (this.state === State.REMOVED) throw requestError(RequestErrorCode.TASK_NOT_FOUND, 'task removed');
        if (!this.isActive()) throw requestError(RequestErrorCode.TASK_STATE, 'task state error');
        this.setState(State.STOPPED, REASONS.USER_OPERATION);
        unregisterTask(this);
        this.queue.clear();
        await this.engine.abort();
        this.closeFiles();
      },
      10,
    );
  }

  async remove(): Promise<void> {
    if (this.state === State.REMOVED) return;
    const wasActive = this.isActive();
    this.setState(State.REMOVED);
    unregisterTask(this);
    agentTasks.delete(this.tid);
    this.queue.clear();
    const removed = this.progress(State.REMOVED, this.engine.snapshot());
    this.queue.post(() => {
      this.listeners.emit('remove', removed);
      this.listeners.clear();
    });
    if (wasActive) await this.engine.abort();
    this.closeFiles();
  }

  info(): TaskInfo {
    const snapshot = this.engine.snapshot();
    const { engine, files } = this.description;
    const info: EmulatedTaskInfo = {
      tid: this.tid,
      url: engine.url,
      saveas: '',
      data: [
        ...engine.fields.map((field) => ({ name: field.name, value: field.value })),
        ...engine.parts.map((part, i) => ({
          name: part.fieldName,
          value: { path: (files[i] as OpenedFile).virtualPath, mimeType: part.contentType, filename: part.filename },
        })),
      ],
      title: typeof this.config.title === 'string' && this.config.title !== '' ? this.config.title : 'upload',
      description: typeof this.config.description === 'string' ? this.config.description : '',
      action: Action.UPLOAD,
      mode: this.description.mode,
      mimeType: 'multipart/form-data',
      progress: this.progress(this.state, snapshot),
      gauge: this.config.gauge === true,
      priority: typeof this.config.priority === 'number' ? this.config.priority : 0,
      ctime: this.ctime,
      mtime: this.mtime,
      retry: this.description.retry,
      tries: snapshot.tries,
      faults: (this.reason.fault ?? null) as request.agent.Faults,
      reason: this.reason === REASONS.OK ? 'Task successful' : this.reason.message,
      extras: { ...this.lastHeaders },
    };
    return info;
  }

  listenerCount(): number {
    return this.listeners.count();
  }

  /** The engine's accounting (the service's store). */
  engineSnapshot(): ProgressSnapshot {
    return this.engine.snapshot();
  }

  /** The sandbox paths (or user-file URIs) of the task's files. */
  filePaths(): string[] {
    return this.description.files.map((file) => file.virtualPath);
  }

  /** How many files the task sends. */
  fileCount(): number {
    return this.description.files.length;
  }

  /**
   * A task read back from the store after the service restarted: it waits ("Too many task in running
   * state") until the service reschedules it (`resumeRestored`), then sends from its current file, from
   * byte 0 (request_request `services/src/manage/task_manager.rs` `restore_all_tasks`, `database.rs`).
   */
  holdRestored(): void {
    const restored = this.description.restored;
    if (restored === undefined) return;
    this.engine.restoreAt(restored.index, restored.tries);
    registerTask(this);
    this.setState(State.WAITING, REASONS.RUNNING_TASK_MEET_LIMITS);
  }

  resumeRestored(): void {
    if (this.state === State.WAITING && this.reason === REASONS.RUNNING_TASK_MEET_LIMITS) this.schedule();
  }

  /** Closes the files of a task that is never started nor handed out (a config check). */
  discard(): void {
    this.closeFiles();
  }

  /** `search` filter: ctime in [after, before], and state, action and mode when given. */
  matches(filter: unknown, after: number, before: number): boolean {
    if (this.ctime < after || this.ctime > before) return false;
    if (!isObject(filter)) return true;
    if (typeof filter.state === 'number' && filter.state !== this.state) return false;
    if (typeof filter.action === 'number' && filter.action !== Action.UPLOAD) return false;
    if (typeof filter.mode === 'number' && filter.mode !== this.description.mode) return false;
    return true;
  }

  destroy(): void {
    this.setState(State.REMOVED);
    unregisterTask(this);
    agentTasks.delete(this.tid);
    this.queue.clear();
    this.listeners.clear();
    void this.engine.abort().then(() => this.closeFiles());
  }

  private async run(): Promise<void> {
    let result: EngineResult;
    try {
      result = await this.engine.run();
    } catch (error) {
      console.error('[ohos emulation] agent task crashed:', error);
      result = { kind: 'failed', index: 0, cause: 'body' };
    }
    // Aborted: whoever aborted closes the files (stop, remove, fail), or keeps them for the next run (park).
    if (result.kind === 'aborted') return;
    this.closeFiles();
    if (!this.isActive()) return;
    unregisterTask(this);
    const snapshot = this.engine.snapshot();
    // The last progress is sent when the running task ends, before the outcome (running_task.rs `drop`).
    const last = this.progress(this.runningState(), snapshot);
    this.post(() => this.listeners.emit('progress', last));
    if (result.kind === 'completed') {
      this.setState(State.COMPLETED);
      const headers = flatHeaders(result.lastResponse.headers);
      const body = bodyValue(result.lastBody);
      const extras = settings.nestedExtras ? { headers, body } : { ...headers, body };
      const completed: Progress = { ...this.progress(State.COMPLETED, snapshot), extras };
      this.post(() => this.listeners.emit('completed', completed));
    } else {
      this.setState(State.FAILED, reasonOf(result.cause, 10, result.response));
      const failed = this.progress(State.FAILED, snapshot);
      this.post(() => this.listeners.emit('failed', failed));
    }
  }

  /** `notify_response` sends nothing for a status without a reason phrase (request_task.rs). */
  private onResponse(response: ResponseInfo): void {
    if (response.reason === undefined) return;
    const event: HttpResponse = {
      version: response.version,
      statusCode: response.statusCode,
      reason: response.reason,
      headers: headerMap(response.headers),
    };
    this.post(() => this.listeners.emit('response', event));
  }

  private progress(state: number, snapshot: ProgressSnapshot): Progress {
    return {
      state,
      index: snapshot.index,
      processed: snapshot.processed[snapshot.index] ?? 0,
      sizes: [...snapshot.sizes],
      extras: { ...this.lastHeaders, body: '' },
    };
  }

  private setState(state: number, reason: Reason = this.reason): void {
    this.state = state;
    this.reason = reason;
    this.mtime = Date.now();
    taskHooks.changed?.(this);
  }

  /** RETRYING once a network failure made the task try again (SDK doc of `State.RETRYING`). */
  private runningState(): number {
    return this.engine.snapshot().tries > 0 ? State.RETRYING : State.RUNNING;
  }

  private isActive(): boolean {
    return this.state === State.RUNNING || this.state === State.RETRYING || this.state === State.WAITING;
  }

  private post(deliver: () => void): void {
    if (this.state === State.REMOVED || this.state === State.STOPPED) return;
    this.queue.post(deliver);
  }

  private closeFiles(): void {
    for (const file of this.description.files) file.close();
  }
}

export function asCallback<T>(value: unknown): AsyncCallback<T> | undefined {
  return typeof value === 'function' ? (value as AsyncCallback<T>) : undefined;
}

export function progressEvent(event: string): ProgressEvent {
  if (!(PROGRESS_EVENTS as ReadonlySet<string>).has(event))
    paramError(`Parameter verification failed, unknown event type ${event}`);
  return event as ProgressEvent;
}

interface ParsedFileSpec {
  readonly name: string;
  readonly path: string;
  readonly filename: string;
  readonly mimeType: string;
}

/** `ParseConfig` (API 10) + `CheckUploadFiles` (js_initialize.cpp), then the task. */
export function createTask(context: unknown, config: unknown, restored?: RestoredTask): AgentTask {
  const dirs = contextDirs(context);
  if (!isObject(config)) return paramError('Incorrect parameter type, Wrong config type, expected object');
  if (!('action' in config)) paramError('Missing mandatory parameters, can not find property action');
  if (typeof config.action !== 'number') paramError('Incorrect parameter type, action type is not of napi_number type');
  if (config.action !== Action.UPLOAD && config.action !== Action.DOWNLOAD) {
    paramError('Parameter verification failed, action must be UPLOAD or DOWNLOAD');
  }
  const url = stringProperty(config, 'url');
  if (!isValidUrl(url))
    paramError('Parameter verification failed, the url should start with http(s):// and be at most 2048 long');
  if (config.action === Action.DOWNLOAD) {
    throw requestError(RequestErrorCode.UNSUPPORTED, 'download tasks are not part of the emulation');
  }
  const { fields, files } = parseData(config.data);
  const index = numberProperty(config, 'index');
  if (index < 0 || index >= files.length) paramError('Parameter verification failed, config.index exceeds file list');
  checkOptionalTexts(config);
  const mode = numberProperty(config, 'mode') === Mode.FOREGROUND ? Mode.FOREGROUND : Mode.BACKGROUND;
  const opened = openFiles(dirs, files, mode);
  const begins = beginsProperty(config);
  const ends = endsProperty(config);
  const parts: FilePart[] = files.map((spec, i) => {
    const file = opened[i] as OpenedFile;
    const filename = spec.filename !== '' ? spec.filename : fileNameOf(file.virtualPath);
    const range = i === index ? rangeOf(begins, ends, file.size) : { start: 0, length: file.size };
    return {
      file,
      start: range.start,
      length: range.length,
      fieldName: spec.name !== '' ? spec.name : 'file',
      filename,
      contentType: spec.mimeType !== '' ? spec.mimeType : typeFromFileName(filename),
    };
  });
  const retry = flagProperty(config, 'retry');
  // `ParseNetwork`: ANY unless WIFI or CELLULAR; `metered` false unless true; `roaming` true when absent.
  const network = numberProperty(config, 'network');
  const roaming = 'roaming' in config ? config.roaming === true : true;
  const engineConfig: EngineConfig = {
    url,
    method: uploadMethod(config.method, 'PUT'),
    headers: headerEntries(config.headers),
    fields,
    parts,
    redirect: flagProperty(config, 'redirect'),
    // "Enable automatic retry or not for the background task. The frontend task is always fast-fail."
    retry: mode === Mode.BACKGROUND && retry,
  };
  return new AgentTask({
    config: config as unknown as Config,
    engine: engineConfig,
    files: opened,
    mode,
    retry,
    network: network === Network.WIFI || network === Network.CELLULAR ? network : Network.ANY,
    metered: config.metered === true,
    roaming,
    restored,
  });
}

/**
 * A task of the store, made again by a restarted service: its files opened by path again (the service
 * reopens them, `RequestTask::new_by_info`), registered as the module's own. Throws as `create` would (a file
 * that is gone is 13400001).
 */
export function restoreTask(cacheDir: string, config: unknown, restored: RestoredTask): AgentTask {
  const context = { stageMode: true, applicationInfo: { name: 'restored' }, cacheDir };
  const task = createTask(context, config, restored);
  agentTasks.set(task.tid, task);
  task.holdRestored();
  return task;
}

/** `ParseData` + `Convert2FormItems`: strings are form fields, FileSpec / FileSpec[] values are files. */
function parseData(data: unknown): { fields: FormField[]; files: ParsedFileSpec[] } {
  const fields: FormField[] = [];
  const files: ParsedFileSpec[] = [];
  if (data === undefined) return { fields, files };
  if (!Array.isArray(data)) paramError('Incorrect parameter type, the config.data parameter type is incorrect');
  for (const item of data as unknown[]) {
    if (!isObject(item) || !('name' in item) || !('value' in item) || typeof item.name !== 'string') {
      paramError('Missing mandatory parameters, Get formItems failed');
    }
    const name = item.name as string;
    const value = item.value;
    if (typeof value === 'string') fields.push({ name, value });
    else if (Array.isArray(value)) for (const spec of value as unknown[]) files.push(parseFileSpec(name, spec));
    else files.push(parseFileSpec(name, value));
  }
  if (files.length === 0) paramError('Missing mandatory parameters, files is empty');
  return { fields, files };
}

function parseFileSpec(name: string, value: unknown): ParsedFileSpec {
  if (!isObject(value)) return paramError('Missing mandatory parameters, Get formItems failed');
  const path = stringProperty(value, 'path').trim();
  if (path === '') paramError('Missing mandatory parameters, Get formItems failed');
  return { name, path, filename: stringProperty(value, 'filename'), mimeType: stringProperty(value, 'mimeType') };
}

function checkOptionalTexts(config: Record<string, unknown>): void {
  const proxy = stringProperty(config, 'proxy');
  if (proxy !== '' && (proxy.length > PROXY_MAXIMUM || !/^http:\/\/.+:\d{1,5}$/.test(proxy))) {
    paramError('Parameter verification failed, the format of proxy is http(s)://<address or domain>:port');
  }
  if (stringProperty(config, 'title').length > TITLE_MAXIMUM) {
    paramError('Parameter verification failed, the length of config title exceeds 256');
  }
  if (typeof config.token === 'string') {
    const bytes = Buffer.byteLength(config.token, 'utf8');
    if (bytes < TOKEN_BYTES.min || bytes > TOKEN_BYTES.max) {
      paramError('Parameter verification failed, the length of token should between 8 and 2048 bytes');
    }
  }
  if (stringProperty(config, 'description').length > DESCRIPTION_MAXIMUM) {
    paramError('Parameter verification failed, the length of config.description exceeds 1024');
  }
}

/**
 * Opens every file or none. User files (`file://media/...`) are for FOREGROUND tasks only (401 otherwise,
 * `CheckUserFileSpec`), opened through the emulated media library (13400001 when the app may not read one).
 */
function openFiles(dirs: ContextDirs, files: readonly ParsedFileSpec[], mode: number): OpenedFile[] {
  const opened: OpenedFile[] = [];
  try {
    for (const spec of files) {
      if (isUserFile(spec.path)) {
        if (mode !== Mode.FOREGROUND)
          paramError('Parameter verification failed, user file can only for Mode::FOREGROUND');
        opened.push(openUserFileSpec(spec.path));
        continue;
      }
      opened.push(openFileSpecPath(dirs, spec.path));
    }
    return opened;
  } catch (error) {
    for (const file of opened) file.close();
    throw error;
  }
}
