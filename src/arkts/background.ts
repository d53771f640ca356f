/**
 * Background mode: an upload as a BACKGROUND request.agent task, which the system's request service runs
 * whatever becomes of the app (background, suspended, killed), and restoreUploads(), with which a later
 * process of the app finds the uploads an earlier one started and learns their outcomes.
 *
 * What the service does differently from a FOREGROUND task, and what this module does about it
 * (docs/background.md has the whole of it and the upstream sources):
 * - it refuses user files (`file://media/...`): they are copied into the app's filesDir first, with the file
 *   API, and the copy is kept until the outcome is known, by this process or a later one;
 * - the body of the answer reaches only a process that is subscribed when the task completes; a later
 *   process learns the state, the reason and the last headers from touch(): such an outcome is marked
 *   `afterTheFact`, without `statusCode` or `data`;
 * - it shows a notification: progress in it is turned on (`gauge`);
 * - network: any, cellular included, as a foreground upload; or Wi-Fi only, waiting for it; a drop makes
 *   it wait and start the file again (`retry`).
 * Every upload is in the app's record (background-store.ts) from its creation until its outcome is
 * delivered, or it is aborted: then it is forgotten, its task removed, its copy deleted.
 */
import { request } from '@kit.BasicServicesKit';
import { fileIo } from '@kit.CoreFileKit';
import type { common } from '@kit.AbilityKit';
import { createUploadEngine } from '../core/engine';
import { describeThrown, logError } from '../core/errors';
import { checkPathString } from '../core/options';
import type { SourceRules, UploadRequest } from '../core/options';
import type { Transport, TransportResponse, TransportSink } from '../core/transport';
import type {
  UploadFileLateSuccessResult,
  UploadFileOptions,
  UploadFileSuccessResult,
  UploadTask,
  ProgressListener,
  HeadersListener,
} from '../core/types';
import { AgentUpload } from './agent-transport';
import { resolveContext } from './context';
import { withOpenFile } from './files';
import type { LocalFile } from './files';
import { failOnError, reasonOfError, reasonOfFault, UploadFailure } from './platform-errors';
import { headersOfObject } from './responses';
import { storeOf } from './background-store';
import type { BackgroundEntry, BackgroundStore } from './background-store';
import type { ArkTsSource } from './types';

type Task = request.agent.Task;
type TaskInfo = request.agent.TaskInfo;

/** @ohos.request: task not found. */
const TASK_NOT_FOUND = 21900006;
/** How far back search() looks when the record is lost: the service stops unfinished tasks after 30 days. */
const SEARCH_BACK_MS = 30 * 24 * 3600 * 1000;
/** How long the service keeps a task it no longer runs: 7 days after its last change. */
const KEPT_MS = 7 * 24 * 3600 * 1000;

/** Ids of the background uploads this process watches now: restoreUploads() leaves them to their own tasks. */
const watched = new Set<string>();
let copies = 0;

/** A file name for the copy: the multipart name if it is a plain one, else a neutral one. */
function copyName(fileName: string): string {
  return /^[^/\\\0]{1,200}$/.test(fileName) && fileName !== '.' && fileName !== '..' ? fileName : 'upload.bin';
}

/** Deletes a copy's folder and what is in it; a failure is logged. */
async function deleteCopy(dir: string | undefined): Promise<void> {
  if (!dir) return;
  try {
    if (!(await fileIo.access(dir))) return;
    for (const name of await fileIo.listFile(dir)) await fileIo.unlink(`${dir}/${name}`);
    await fileIo.rmdir(dir);
  } catch (err) {
    logError(`could not delete the copy ${dir}:`, err);
  }
}

/** The BACKGROUND task's configuration (request.agent Config, SDK @ohos.request.d.ts). */
export function backgroundConfig(req: UploadRequest<ArkTsSource>, path: string, token: string): request.agent.Config {
  const data: request.agent.FormItem[] = req.formData.map((f) => ({ name: f.name, value: f.value }));
  data.push({
    name: req.files[0].name,
    value: { path, filename: req.files[0].fileName, mimeType: req.files[0].contentType },
  });
  const wifi = req.network === 'wifi';
  return {
    action: request.agent.Action.UPLOAD,
    url: req.url,
    // The service refuses a title over 256 characters; API 12 shows its own title anyway.
    title: req.files[0].fileName.slice(0, 256),
    method: 'POST',
    mode: request.agent.Mode.BACKGROUND,
    headers: { ...req.header, 'Content-Type': 'multipart/form-data' },
    data,
    // Cellular counts as metered. The 5.0 service lets an ANY task use it whatever `metered` says; set anyway,
    // so that no build that applies it parks a background upload on cellular (docs/background.md).
    network: wifi ? request.agent.Network.WIFI : request.agent.Network.ANY,
    metered: !wifi,
    roaming: true,
    retry: true,
    redirect: true,
    gauge: true,
    token,
  };
}

/**
 * Reports through `sink`, but forgets the upload in the record first: an outcome is never delivered while
 * the record still says it is to be delivered (a later process would deliver it again).
 */
function forgettingSink(sink: TransportSink, forget: () => Promise<void>): TransportSink {
  return {
    progress: (sent, total) => sink.progress(sent, total),
    headers: (header) => sink.headers(header),
    success: (response: TransportResponse) => {
      forget().then(() => sink.success(response));
    },
    fail: (reason, retryable) => {
      forget().then(() => sink.fail(reason, retryable));
    },
    afterTheFact: () => sink.afterTheFact(),
  };
}

/** A new background upload. */
class BackgroundUpload extends AgentUpload {
  private readonly store: BackgroundStore;
  private id: string | undefined;
  private copyDir: string | undefined;
  private forgetting: Promise<void> | undefined;

  constructor(req: UploadRequest<ArkTsSource>, sink: TransportSink) {
    const owner: { upload?: BackgroundUpload } = {};
    super(
      req,
      forgettingSink(sink, () => (owner.upload ? owner.upload.forget() : Promise.resolve())),
    );
    owner.upload = this;
    this.store = storeOf(req.files[0].source.context);
  }

  protected override async createTask(file: LocalFile): Promise<Task> {
    const token = await this.store.token();
    let path = file.path;
    if (file.userFile) {
      this.copyDir = this.store.copyDirFor(`${Date.now().toString(36)}-${++copies}`);
      path = `${this.copyDir}/${copyName(this.req.files[0].fileName)}`;
      await this.copyUserFile(file, path);
      // Ended while copying: close() could not see the copy being made.
      if (this.closed) await deleteCopy(this.copyDir);
    }
    if (this.closed) throw new UploadFailure('abort');
    const task = await request.agent.create(this.req.files[0].source.context, backgroundConfig(this.req, path, token));
    // Ended while creating: run() removes the task, close() has deleted the copy; nothing is recorded.
    if (this.closed) return task;
    this.id = task.tid;
    watched.add(task.tid);
    const entry: BackgroundEntry = {
      id: task.tid,
      url: this.req.url,
      filePath: this.req.files[0].source.filePath,
      name: this.req.files[0].name,
      fileName: this.req.files[0].fileName,
      size: file.size,
      created: Date.now(),
    };
    if (this.req.tag !== undefined) entry.tag = this.req.tag;
    if (this.copyDir !== undefined) entry.copyDir = this.copyDir;
    try {
      await this.store.add(entry);
    } catch (err) {
      this.removeTask(task);
      throw new UploadFailure(`cannot keep a background upload: ${describeThrown(err)}`);
    }
    // Ended while recording: close() forgot nothing yet.
    if (this.closed) await this.store.forget(task.tid);
    return task;
  }

  /** Streams the user file into the app's filesDir with the file API: never through JS memory. */
  private async copyUserFile(file: LocalFile, path: string): Promise<void> {
    await withOpenFile(file.path, file.filePath, async (opened) => {
      try {
        await fileIo.mkdir(this.copyDir as string, true);
        await fileIo.copyFile(opened.fd, path);
      } catch (err) {
        await deleteCopy(this.copyDir);
        throw new UploadFailure(
          `cannot copy ${file.filePath} into the app's files for a background upload (${describeThrown(err)})`,
        );
      }
    });
  }

  /** Forgets the upload in the record, then deletes the copy: once, whichever comes first, outcome or close. */
  forget(): Promise<void> {
    if (!this.forgetting) {
      const id = this.id;
      const copyDir = this.copyDir;
      this.forgetting = (id === undefined ? Promise.resolve() : this.store.forget(id)).then(() => deleteCopy(copyDir));
    }
    return this.forgetting;
  }

  override close(): void {
    if (this.closed) return;
    super.close();
    if (this.id !== undefined) watched.delete(this.id);
    this.forget();
  }
}

export const backgroundTransport: Transport<ArkTsSource> = {
  start(req, sink) {
    const upload = new BackgroundUpload(req, sink);
    failOnError(upload.run(), sink);
    return upload;
  },
};

// ---------------------------------------------------------------------------------------------------------
// restoreUploads()

/** What a restored upload carries besides the task: what identifies it. */
export interface RestoredUploadInfo {
  /** The request service's task id. */
  readonly id: string;
  readonly url: string;
  readonly filePath: string;
  readonly name: string;
  /** The `tag` the call gave, if any. */
  readonly tag?: string;
}

/** A success as it happened (the process watched the end) or as learned after the fact. */
export type RestoredSuccessResult = UploadFileSuccessResult | UploadFileLateSuccessResult;

/** The UploadTask of a restored upload: the same methods, and a promise of its outcome. */
export interface RestoredUploadTask extends UploadTask, RestoredUploadInfo, Promise<RestoredSuccessResult> {
  progress(listener: ProgressListener): void;
  headersReceive(listener: HeadersListener): void;
}

interface RestoreSource extends ArkTsSource {
  readonly entry: BackgroundEntry;
  readonly store: BackgroundStore;
}

interface RestoreOptions extends UploadFileOptions<string> {
  context: common.Context;
  entry: BackgroundEntry;
  store: BackgroundStore;
}

function isFinal(state: request.agent.State): boolean {
  return (
    state === request.agent.State.COMPLETED ||
    state === request.agent.State.FAILED ||
    state === request.agent.State.STOPPED ||
    state === request.agent.State.REMOVED
  );
}

/** An upload an earlier process started: its task found again, or its outcome learned after the fact. */
class RestoredUpload extends AgentUpload {
  private readonly entry: BackgroundEntry;
  private readonly store: BackgroundStore;
  private readonly outer: TransportSink;

  constructor(req: UploadRequest<RestoreSource>, sink: TransportSink) {
    const { entry, store } = req.files[0].source;
    super(
      req,
      forgettingSink(sink, () => store.forget(entry.id).then(() => deleteCopy(entry.copyDir))),
    );
    this.entry = entry;
    this.store = store;
    this.outer = sink;
    this.file = { filePath: entry.filePath, path: entry.filePath, size: entry.size, userFile: false };
  }

  override async run(): Promise<void> {
    const { context } = this.req.files[0].source;
    const token = await this.store.savedToken();
    const first = await this.touch(token);
    if (this.closed || first === undefined) return;
    if (isFinal(first.progress.state)) {
      this.learned(first);
      return;
    }
    const task = await request.agent.getTask(context, this.entry.id, token);
    if (this.closed) {
      this.removeTask(task);
      return;
    }
    watched.add(this.entry.id);
    this.watch(task);
    this.sink.progress(first.progress.processed, this.entry.size);
    if (first.progress.state === request.agent.State.INITIALIZED) {
      // The earlier process died between creating the task and starting it.
      await task.start();
      return;
    }
    // The task may have ended between touch() and the subscription, whose events are then lost.
    const now = await this.touch(token);
    if (!this.closed && now !== undefined && isFinal(now.progress.state)) this.learned(now);
  }

  /** touch(): the task's state; a task the service no longer knows ends the upload after the fact. */
  private async touch(token: string | undefined): Promise<TaskInfo | undefined> {
    try {
      if (token === undefined) return await request.agent.show(this.entry.id);
      return await request.agent.touch(this.entry.id, token);
    } catch (err) {
      if ((err as { code?: unknown }).code !== TASK_NOT_FOUND) throw err;
      this.outer.afterTheFact();
      this.sink.fail(`the request service no longer knows this upload (${reasonOfError(err).message})`);
      return undefined;
    }
  }

  /** The outcome from what the service kept: state, reason and faults, the last headers. */
  private learned(info: TaskInfo): void {
    this.outer.afterTheFact();
    if (info.progress.state === request.agent.State.COMPLETED) {
      const header = keptHeaders(info.extras);
      this.sink.headers(header);
      this.sink.success({ statusCode: 0, data: '', header, totalBytes: this.entry.size });
      return;
    }
    if (info.progress.state === request.agent.State.FAILED) {
      this.sink.fail(reasonOfFault(info.faults, info.reason ?? '').message);
      return;
    }
    this.sink.fail(`the upload was stopped or removed (${info.reason || 'no reason given'})`);
  }

  override close(): void {
    if (this.closed) return;
    const attached = this.task !== undefined;
    super.close();
    watched.delete(this.entry.id);
    // Not attached (its outcome learned after the fact, or ended before getTask()): removed by its id, so that
    // no search() finds it again.
    if (!attached) {
      request.agent.remove(this.entry.id).catch((err: unknown) => {
        if ((err as { code?: unknown }).code !== TASK_NOT_FOUND)
          logError(`request.agent.remove(${this.entry.id}) failed:`, err);
      });
    }
    const copyDir = this.entry.copyDir;
    this.store.forget(this.entry.id).then(() => deleteCopy(copyDir));
  }
}

const restoreRules: SourceRules<RestoreSource> = {
  read(value, field, options) {
    const problem = checkPathString(value, 'String', field);
    if (problem) return { ok: false, reason: problem };
    const o = options as unknown as RestoreOptions;
    return {
      ok: true,
      value: { filePath: value as string, context: o.context, entry: o.entry, store: o.store },
    };
  },
  fileName: (source) => source.entry.fileName,
};

const restoreTransport: Transport<RestoreSource> = {
  start(req, sink) {
    const upload = new RestoredUpload(req, sink);
    failOnError(upload.run(), sink);
    return upload;
  },
};

/** Restored uploads run in the service already: no queue of the library's holds them back. */
const restoreEngine = createUploadEngine<RestoreSource, RestoreOptions>(restoreRules, restoreTransport);
restoreEngine.configure({ maxConcurrent: 1000000 });

/** The tasks restoreUploads() made in this process, until their outcome. */
const restored = new Map<string, RestoredUploadTask>();

function restoreOne(context: common.Context, store: BackgroundStore, entry: BackgroundEntry): RestoredUploadTask {
  const options: RestoreOptions = {
    url: entry.url,
    filePath: entry.filePath,
    name: entry.name,
    fileName: entry.fileName,
    background: true,
    context,
    entry,
    store,
  };
  if (entry.tag !== undefined) options.tag = entry.tag;
  const task = restoreEngine.uploadFile(options) as unknown as RestoredUploadTask;
  const info: RestoredUploadInfo = {
    id: entry.id,
    url: entry.url,
    filePath: entry.filePath,
    name: entry.name,
    tag: entry.tag,
  };
  Object.assign(task, info);
  // Nobody may be listening yet: an outcome is no unhandled rejection.
  task.catch(() => undefined);
  const forgetTask = (): void => {
    restored.delete(entry.id);
  };
  task.then(forgetTask, forgetTask);
  return task;
}

/**
 * The headers show()/touch() kept of the last answer (TaskInfo.extras): flat, names lower-cased, as the request
 * service keeps them, or under `headers` as the SDK text of Progress.extras describes them.
 */
function keptHeaders(extras: object | undefined): Record<string, string> {
  const all = (extras ?? {}) as Record<string, unknown>;
  const nested = all.headers;
  if (typeof nested === 'object' && nested !== null && !Array.isArray(nested))
    return headersOfObject(nested as Record<string, unknown>);
  return headersOfObject(all, 'body');
}

/** The FileSpec of a task's TaskInfo.data, and its form field's name. */
function fileOf(info: TaskInfo): { name: string; spec: request.agent.FileSpec } | undefined {
  const data = info.data;
  if (!Array.isArray(data)) return undefined;
  for (const item of data) {
    const value = item.value;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { name: item.name, spec: value };
    if (Array.isArray(value) && value.length > 0) return { name: item.name, spec: value[0] };
  }
  return undefined;
}

/**
 * The record is lost (corrupt or missing): the library's tasks are found with search() (every BACKGROUND
 * upload of the app in the last 30 days) and touch() with the library's token, which only its own pass.
 * What the record alone kept is lost: the tag, and the filePath of a user file (the copy's path is given).
 */
async function recover(store: BackgroundStore): Promise<BackgroundEntry[]> {
  const token = await store.savedToken();
  if (token === undefined) return [];
  const ids = await request.agent.search({
    action: request.agent.Action.UPLOAD,
    mode: request.agent.Mode.BACKGROUND,
    after: Date.now() - SEARCH_BACK_MS,
  });
  const entries: BackgroundEntry[] = [];
  for (const id of ids) {
    let info: TaskInfo;
    try {
      info = await request.agent.touch(id, token);
    } catch (err) {
      continue; // not one of the library's tasks
    }
    if (info.progress.state === request.agent.State.REMOVED) continue;
    const file = fileOf(info);
    if (!file || typeof info.url !== 'string') continue;
    const copyDir = file.spec.path.startsWith(`${store.dir}/copies/`)
      ? file.spec.path.slice(0, file.spec.path.lastIndexOf('/'))
      : undefined;
    const entry: BackgroundEntry = {
      id,
      url: info.url,
      filePath: file.spec.path,
      name: file.name,
      fileName: file.spec.filename ?? file.spec.path.slice(file.spec.path.lastIndexOf('/') + 1),
      size: info.progress.sizes[0] ?? 0,
      created: info.ctime,
    };
    if (copyDir !== undefined) entry.copyDir = copyDir;
    entries.push(entry);
  }
  await store.replace(entries);
  return entries;
}

/**
 * The background uploads an earlier process of the app started whose outcome no process has delivered:
 * one task each, with its id, url, filePath, name and tag. A running one reports its progress and outcome
 * live; one that ended meanwhile reports its outcome at once, learned after the fact (`afterTheFact: true`,
 * no `statusCode` or `data`). Uploads this process started itself are not among them. Calling it again
 * gives the same tasks while they run.
 */
export async function restoreUploads(context?: common.Context): Promise<RestoredUploadTask[]> {
  let ctx: common.Context;
  try {
    ctx = resolveContext(context);
  } catch (err) {
    throw { errMsg: `restoreUploads:fail ${describeThrown(err)}` };
  }
  const store = storeOf(ctx);
  const { entries, state } = await store.list();
  let found = entries;
  if (state !== 'ok') {
    try {
      found = await recover(store);
    } catch (err) {
      logError('could not look for background uploads with request.agent.search():', err);
    }
  }
  const token = await store.savedToken();
  const tasks: RestoredUploadTask[] = [];
  for (const entry of found) {
    if (watched.has(entry.id) && !restored.has(entry.id)) continue;
    let task = restored.get(entry.id);
    if (!task) {
      if (await wasRemoved(entry, token)) {
        // Aborted, its outcome delivered, by a process that died before it could forget it.
        await store.forget(entry.id);
        await deleteCopy(entry.copyDir);
        continue;
      }
      task = restoreOne(ctx, store, entry);
      restored.set(entry.id, task);
    }
    tasks.push(task);
  }
  return tasks;
}

/**
 * Whether the library removed the task already (an abort, whose outcome was delivered then): the service
 * says REMOVED, or does not know a task it would still keep. It keeps a task's row for 7 days after its
 * last change (request_request services/src/manage/database.rs): a younger upload it does not know was
 * removed; an older one is reported as lost.
 */
async function wasRemoved(entry: BackgroundEntry, token: string | undefined): Promise<boolean> {
  try {
    const info = token === undefined ? await request.agent.show(entry.id) : await request.agent.touch(entry.id, token);
    return info.progress.state === request.agent.State.REMOVED;
  } catch (err) {
    return (err as { code?: unknown }).code === TASK_NOT_FOUND && Date.now() - entry.created < KEPT_MS;
  }
}
