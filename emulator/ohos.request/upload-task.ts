/**
 * `request.uploadFile` and its `UploadTask` (API 9, stage model), docs/platform/ohos.request.md §1a.
 *
 * - Config errors are thrown synchronously, in the promise and in the callback form alike: the NAPI layer
 *   checks the config while constructing the task, before any promise exists (request_request
 *   `async_call.cpp`: a failed input handler leaves the pending exception). Pitfall §1c.2 there says to guard both.
 * - The task starts at once (there is no start()); events: 'headerReceive' `{ headers, body }` per file
 *   answered 2xx, 'progress' (bytes of all files, throttled, plus a final one), then 'complete' or 'fail'
 *   with one `TaskState` per file. After 'complete'/'fail' the task is gone (its listeners too).
 * - `delete()` cancels: the connection is closed and no further event is delivered.
 */
import type { AsyncCallback, Callback } from '@ohos.base';
import type common from '@ohos.app.ability.common';
import type request from '@ohos.request';
import { EventQueue, Listeners } from '../dispatcher';
import { flatHeaders, type FilePart, type FormField } from './http-transfer';
import { reasonOf, REASONS, type Reason } from './reasons';
import { Mode, Network } from './agent-enums';
import { admission, registerTask, unregisterTask, type SchedulableTask } from './scheduler';
import {
  beginsProperty,
  bodyValue,
  checkedCallback,
  complete,
  endsProperty,
  fileNameOf,
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
import { contextDirs, openUploadFileUri, type OpenedFile } from './paths';
import { liveUploadTasks, type LiveTask } from '../state';
import { rangeOf, UploadEngine, type EngineConfig, type EngineResult } from './upload-engine';

type TaskState = request.TaskState;
type ProgressCallback = (uploadedSize: number, totalSize: number) => void;
type HeaderCallback = (header: object) => void;
type StatesCallback = Callback<Array<TaskState>>;

interface UploadEvents {
  progress: [uploadedSize: number, totalSize: number];
  headerReceive: [header: object];
  complete: [states: TaskState[]];
  fail: [states: TaskState[]];
}

const EVENT_TYPES: ReadonlySet<string> = new Set(['progress', 'headerReceive', 'complete', 'fail']);

export function uploadFile(
  context: common.BaseContext,
  config: request.UploadConfig,
  callback: AsyncCallback<request.UploadTask>,
): void;
export function uploadFile(context: common.BaseContext, config: request.UploadConfig): Promise<request.UploadTask>;
export function uploadFile(context: unknown, config: unknown, callback?: unknown): Promise<request.UploadTask> | void {
  const task = createTask(context, config);
  const result = complete(
    typeof callback === 'function' ? (callback as AsyncCallback<request.UploadTask>) : undefined,
    () => Promise.resolve<request.UploadTask>(task),
    9,
  );
  // Running in the service already; the first notifications reach the app after the task object.
  setImmediate(() => task.start());
  return result;
}

class LegacyUploadTask implements request.UploadTask, LiveTask, SchedulableTask {
  private readonly listeners = new Listeners<UploadEvents>();
  private readonly queue = new EventQueue();
  private readonly engine: UploadEngine;
  private phase: 'created' | 'running' | 'finished' | 'deleted' = 'created';

  constructor(
    private readonly files: readonly OpenedFile[],
    config: EngineConfig,
  ) {
    this.engine = new UploadEngine(
      config,
      {
        progress: (snapshot) =>
          this.post(() => this.listeners.emit('progress', snapshot.totalProcessed, sum(snapshot.sizes))),
        response: () => undefined,
        fileDone: (_index, response, body) =>
          this.post(() =>
            this.listeners.emit('headerReceive', { headers: flatHeaders(response.headers), body: bodyValue(body) }),
          ),
      },
      Date.now(),
    );
  }

  on(type: 'progress', callback: ProgressCallback): void;
  on(type: 'headerReceive', callback: HeaderCallback): void;
  on(type: 'complete' | 'fail', callback: StatesCallback): void;
  on(type: string, callback: unknown): void {
    switch (checkedType(type)) {
      case 'progress':
        this.listeners.add('progress', checkedCallback<ProgressCallback>(callback));
        break;
      case 'headerReceive':
        this.listeners.add('headerReceive', checkedCallback<HeaderCallback>(callback));
        break;
      case 'complete':
      case 'fail':
        this.listeners.add(type as 'complete' | 'fail', checkedCallback<StatesCallback>(callback));
        break;
    }
  }

  off(type: 'progress', callback?: ProgressCallback): void;
  off(type: 'headerReceive', callback?: HeaderCallback): void;
  off(type: 'complete' | 'fail', callback?: StatesCallback): void;
  off(type: string, callback?: unknown): void {
    switch (checkedType(type)) {
      case 'progress':
        this.listeners.remove('progress', optionalCallback<ProgressCallback>(callback));
        break;
      case 'headerReceive':
        this.listeners.remove('headerReceive', optionalCallback<HeaderCallback>(callback));
        break;
      case 'complete':
      case 'fail':
        this.listeners.remove(type as 'complete' | 'fail', optionalCallback<StatesCallback>(callback));
        break;
    }
  }

  delete(callback: AsyncCallback<boolean>): void;
  delete(): Promise<boolean>;
  delete(callback?: unknown): Promise<boolean> | void {
    const done = typeof callback === 'function' ? (callback as AsyncCallback<boolean>) : undefined;
    return complete(done, () => this.cancel().then(() => true), 9);
  }

  start(): void {
    if (this.phase !== 'created') return;
    this.phase = 'running';
    liveUploadTasks.add(this);
    registerTask(this);
    this.reschedule();
  }

  // The service's scheduling (scheduler.ts). An API 9 task is BACKGROUND, of network ANY, not metered and
  // not roaming (`js_common.h` `Config` defaults; `ParseConfigV9` does not read them); any network change that
  // stops it fails it (`network_offline`/`network_unavailable`: "version = API9 AND action = UPLOAD").
  readonly mode = Mode.BACKGROUND;
  readonly network = Network.ANY;
  readonly metered = false;
  readonly roaming = false;
  readonly mayWait = false;
  private waiting: Reason | undefined;
  private failure: Reason | undefined;

  isRunning(): boolean {
    return this.phase === 'running' && this.waiting === undefined && this.failure === undefined;
  }

  waitingReason(): Reason | undefined {
    return this.phase === 'running' ? this.waiting : undefined;
  }

  park(reason: Reason): void {
    this.fail(reason);
  }

  /** Stops the transfer; the last progress, then 'fail' with `reason` for the file sent and those after it. */
  fail(reason: Reason): void {
    if (this.phase !== 'running' || this.failure !== undefined) return;
    this.failure = reason;
    unregisterTask(this);
    const last = this.engine.snapshot();
    void this.engine.abort().then(() => this.closeFiles());
    this.post(() => this.listeners.emit('progress', last.totalProcessed, sum(last.sizes)));
    const states = this.files.map((file, i) => {
      const state = i < last.index ? REASONS.OK : reason;
      return { path: file.virtualPath, responseCode: state.code, message: state.message };
    });
    this.post(() => {
      this.listeners.emit('fail', states);
      this.finish();
    });
  }

  rewait(reason: Reason): void {
    if (this.waiting !== undefined) this.waiting = reason;
  }

  reschedule(): void {
    if (this.phase !== 'running' || this.failure !== undefined) return;
    this.waiting = admission(this);
    if (this.waiting === undefined) void this.run();
  }

  listenerCount(): number {
    return this.listeners.count();
  }

  destroy(): void {
    void this.cancel();
  }

  private async run(): Promise<void> {
    let result: EngineResult;
    try {
      result = await this.engine.run();
    } catch (error) {
      console.error('[ohos emulation] upload task crashed:', error);
      result = { kind: 'failed', index: 0, cause: 'body' };
    }
    if (result.kind === 'aborted') return;
    this.closeFiles();
    unregisterTask(this);
    if (this.phase !== 'running') return;
    // The last progress is sent when the running task ends, before the outcome (running_task.rs `drop`).
    const last = this.engine.snapshot();
    this.post(() => this.listeners.emit('progress', last.totalProcessed, sum(last.sizes)));
    const states = taskStates(this.files, result);
    this.post(() => {
      this.listeners.emit(result.kind === 'completed' ? 'complete' : 'fail', states);
      this.finish();
    });
  }

  /** delete(): nothing more is delivered; resolves once the connection is closed. */
  private async cancel(): Promise<void> {
    if (this.phase === 'deleted') return;
    const wasRunning = this.phase === 'running';
    this.phase = 'deleted';
    this.queue.clear();
    this.listeners.clear();
    liveUploadTasks.delete(this);
    unregisterTask(this);
    if (wasRunning) await this.engine.abort();
    this.closeFiles();
  }

  private finish(): void {
    this.phase = 'finished';
    this.listeners.clear();
    liveUploadTasks.delete(this);
  }

  private post(deliver: () => void): void {
    if (this.phase === 'deleted') return;
    this.queue.post(deliver);
  }

  private closeFiles(): void {
    for (const file of this.files) file.close();
  }
}

function checkedType(type: unknown): keyof UploadEvents {
  if (typeof type !== 'string' || !EVENT_TYPES.has(type))
    paramError(`Parameter verification failed, unknown event type ${String(type)}`);
  return type as keyof UploadEvents;
}

/**
 * One entry per file: 0 for the files that were uploaded; the failure's reason for the file that failed and
 * for the files after it, which were not sent (the upload stops at the first failed file, upload.rs).
 */
function taskStates(files: readonly OpenedFile[], result: Exclude<EngineResult, { kind: 'aborted' }>): TaskState[] {
  return files.map((file, i) => {
    const reason =
      result.kind === 'completed' || i < result.index ? REASONS.OK : reasonOf(result.cause, 9, result.response);
    return { path: file.virtualPath, responseCode: reason.code, message: reason.message };
  });
}

function sum(values: readonly number[]): number {
  return values.reduce((total, n) => total + n, 0);
}

interface ParsedFile {
  readonly filename: string;
  readonly name: string;
  readonly uri: string;
  readonly type: string;
}

/** `ParseConfigV9` + `ParseUploadConfig` + `CheckUploadFiles` (js_initialize.cpp), then the task. */
function createTask(context: unknown, config: unknown): LegacyUploadTask {
  const dirs = contextDirs(context);
  if (!isObject(config)) return paramError('Incorrect parameter type, Wrong config type, expected object');
  const headers = headerEntries(config.header);
  const url = stringProperty(config, 'url');
  if (!isValidUrl(url)) paramError('Parse url error');
  const method = uploadMethod(config.method, 'POST');
  if (!Array.isArray(config.files)) paramError('Parse config files error');
  // `Convert2File` skips a File missing one of its four properties.
  const described: ParsedFile[] = (config.files as unknown[]).filter(isObject).flatMap((file) =>
    ['filename', 'name', 'uri', 'type'].every((key) => key in file)
      ? [
          {
            filename: stringProperty(file, 'filename'),
            name: stringProperty(file, 'name'),
            uri: stringProperty(file, 'uri'),
            type: stringProperty(file, 'type'),
          },
        ]
      : [],
  );
  if (described.length === 0) paramError('Parameter verification failed, Parse config files error');
  if (!('data' in config) || !Array.isArray(config.data))
    paramError('Parameter verification failed, Parse config data error');
  const fields: FormField[] = (config.data as unknown[])
    .filter(isObject)
    .map((item) => ({ name: stringProperty(item, 'name'), value: stringProperty(item, 'value') }));
  const index = numberProperty(config, 'index');
  if (index < 0 || index >= described.length)
    paramError('Parameter verification failed, config.index exceeds file list');
  const begins = beginsProperty(config);
  const ends = endsProperty(config);

  const opened: OpenedFile[] = [];
  try {
    for (const file of described) opened.push(openUploadFileUri(dirs, file.uri));
  } catch (error) {
    for (const file of opened) file.close();
    throw error;
  }
  const parts: FilePart[] = described.map((file, i) => {
    const handle = opened[i] as OpenedFile;
    const filename = file.filename !== '' ? file.filename : fileNameOf(handle.virtualPath);
    const range = i === index ? rangeOf(begins, ends, handle.size) : { start: 0, length: handle.size };
    return {
      file: handle,
      start: range.start,
      length: range.length,
      fieldName: file.name !== '' ? file.name : 'file',
      filename,
      contentType: file.type !== '' ? file.type : typeFromFileName(filename),
    };
  });
  // API 9 tasks are BACKGROUND with retry and redirect on (`request_common.h` Config defaults).
  return new LegacyUploadTask(opened, { url, method, headers, fields, parts, redirect: true, retry: true });
}
