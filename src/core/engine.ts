/**
 * The upload task state machine and the uploadFile entry point every target is built from.
 *
 *   waiting ──run──▶ running ──success / fail / abort / timeout──▶ done
 *      └───────────────abort────────────────────────────────────────▲
 *
 * Exactly one outcome: `success` xor `fail`, then `complete`, each once, then the promise settles.
 * Nothing is dispatched after the outcome; at the outcome the timers, the platform task and every
 * listener are released. Callbacks never run inside the call that caused them (uploadFile, abort).
 */
import { describeThrown, failMsg, logError, OK_MSG, parameterError, Reason } from './errors';
import { normalizeOptions } from './options';
import type { Checked, OptionDefaults, SourceRules, UploadRequest } from './options';
import { ProgressReducer } from './progress';
import { ListenerRegistry } from './registry';
import { DEFAULT_MAX_CONCURRENT, Scheduler } from './scheduler';
import type { Job } from './scheduler';
import type { Transport, TransportHandle, TransportResponse, TransportSink } from './transport';
import type {
  HeaderRecord,
  HeadersListener,
  HeadersReceived,
  ProgressListener,
  ProgressUpdate,
  UploadFileFailResult,
  UploadFileLateSuccessResult,
  UploadFileSuccessResult,
  UploadSettings,
  UploadTaskPromise,
} from './types';

type Phase = 'waiting' | 'running' | 'done';
type Timer = ReturnType<typeof setTimeout>;

/** A success as it happened, or (a restored background upload) as learned after the fact. */
type SuccessResult = UploadFileSuccessResult | UploadFileLateSuccessResult;

type Outcome = { ok: true; result: SuccessResult; totalBytes: number } | { ok: false; result: UploadFileFailResult };

interface Callbacks {
  success?: (result: SuccessResult) => void;
  fail?: (result: UploadFileFailResult) => void;
  complete?: (result: SuccessResult | UploadFileFailResult) => void;
}

/**
 * A timer that fires this much later than asked means the process was frozen meanwhile (an app suspended in
 * the background): the time without progress it measured was not seen by the app.
 */
const FROZEN_MS = 1000;

export interface EngineStats {
  /** Tasks whose outcome is not known yet. */
  live: number;
  /** Tasks running (out of the queue, outcome not known yet). */
  running: number;
  /** Tasks waiting in the queue. */
  waiting: number;
  /**
   * Tasks that have ended whose platform transfer has not stopped yet (an @ohos.net.http request sends its
   * body on after an abort): each still holds its place among the `limit` running ones.
   */
  draining: number;
  /** How many may run at once (`maxConcurrent`). */
  limit: number;
}

export interface UploadEngine<Options> {
  uploadFile(options: Options): UploadTaskPromise;
  configure(settings: UploadSettings): void;
  stats(): EngineStats;
}

const resolved = Promise.resolve();
function later(fn: () => void): void {
  resolved.then(fn).catch((err: unknown) => logError('', err));
}

function callSafely<T>(label: string, fn: ((value: T) => void) | undefined, value: T): void {
  if (typeof fn !== 'function') return;
  try {
    fn(value);
  } catch (err) {
    logError(`the ${label} callback threw:`, err);
  }
}

/** Closes a handle; the promise of a platform that goes on after close(), if any. */
function closeQuietly(handle: TransportHandle | undefined): Promise<void> | undefined {
  if (!handle) return undefined;
  try {
    const stopping = handle.close();
    return stopping instanceof Promise ? stopping : undefined;
  } catch (err) {
    logError('a transport failed to close:', err);
    return undefined;
  }
}

class UploadRun<Source> implements Job {
  phase: Phase = 'waiting';
  readonly progressListeners = new ListenerRegistry<ProgressUpdate>('onProgressUpdate');
  readonly headersListeners = new ListenerRegistry<HeadersReceived>('onHeadersReceived');
  private readonly reducer = new ProgressReducer();
  private handle: TransportHandle | undefined;
  private deadline: Timer | undefined;
  private retryTimer: Timer | undefined;
  private attempt = 0;
  private headersSeen = false;
  private late = false;

  constructor(
    private readonly engine: EngineState<Source>,
    private readonly request: UploadRequest<Source>,
    private readonly callbacks: Callbacks,
    private readonly resolve: (result: SuccessResult) => void,
    private readonly reject: (result: UploadFileFailResult) => void,
  ) {}

  run(): void {
    if (this.phase !== 'waiting') return;
    this.phase = 'running';
    this.armDeadline();
    // The transport starts a microtask later, never inside uploadFile(): an abort() in the caller's same turn
    // then ends the upload before any transport has begun, so nothing is sent, on every target.
    later(() => {
      if (this.phase === 'running') this.startAttempt();
    });
  }

  /**
   * `timeout`: from now on, for the whole upload; in background mode, the time without progress, set again at
   * each progress report (0: none). A timer that fired late because the process was frozen starts again.
   */
  private armDeadline(): void {
    clearTimeout(this.deadline);
    const ms = this.request.timeout;
    if (!(ms > 0)) return;
    const due = Date.now() + ms;
    this.deadline = setTimeout(() => {
      if (this.request.background && Date.now() - due > FROZEN_MS) this.armDeadline();
      else this.finish({ ok: false, result: { errMsg: failMsg(Reason.timeout) } });
    }, ms);
  }

  abort(): void {
    if (this.phase === 'done') return;
    if (this.phase === 'waiting') this.engine.scheduler.withdraw(this);
    this.finish({ ok: false, result: { errMsg: failMsg(Reason.abort) } });
  }

  /** Ends a task that never ran: a bad option. */
  reportInvalid(reason: string): void {
    this.finish({ ok: false, result: { errMsg: failMsg(reason) } });
  }

  private startAttempt(): void {
    const attempt = this.attempt;
    const current = (): boolean => this.phase === 'running' && this.attempt === attempt;
    const sink: TransportSink = {
      progress: (sent, total) => {
        if (!current()) return;
        if (this.request.background) this.armDeadline();
        const update = this.reducer.report(sent, total);
        if (update) this.progressListeners.emit(update);
      },
      headers: (header) => {
        if (current()) this.dispatchHeaders(header);
      },
      success: (response) => {
        if (current()) this.finish(this.successOutcome(response));
      },
      fail: (reason, retryable) => {
        if (current()) this.failAttempt(reason, retryable === true);
      },
      afterTheFact: () => {
        if (current()) this.late = true;
      },
    };
    let handle: TransportHandle | undefined;
    try {
      handle = this.engine.transport.start(this.request, sink);
    } catch (err) {
      if (current()) this.finish({ ok: false, result: { errMsg: failMsg(describeThrown(err)) } });
    }
    // An attempt that already ended while starting (a missing file, say) is closed at once.
    if (current()) this.handle = handle;
    else closeQuietly(handle);
  }

  private failAttempt(reason: string, retryable: boolean): void {
    const { count, backoff } = this.request.retry;
    if (this.late) {
      this.finish({ ok: false, result: { errMsg: failMsg(reason), afterTheFact: true } });
      return;
    }
    if (!retryable || this.headersSeen || this.attempt >= count) {
      this.finish({ ok: false, result: { errMsg: failMsg(reason) } });
      return;
    }
    const delay = backoff * 2 ** this.attempt;
    // The failed attempt is over before it is closed: what its transport reports from now on, from inside
    // close() too, is ignored.
    this.attempt++;
    this.closeHandle();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.phase === 'running') this.startAttempt();
    }, delay);
  }

  private successOutcome(response: TransportResponse): Outcome {
    if (this.late) {
      const result: UploadFileLateSuccessResult = { errMsg: OK_MSG, header: response.header, afterTheFact: true };
      return { ok: true, totalBytes: response.totalBytes, result };
    }
    return {
      ok: true,
      totalBytes: response.totalBytes,
      result: { data: response.data, statusCode: response.statusCode, header: response.header, errMsg: OK_MSG },
    };
  }

  private dispatchHeaders(header: HeaderRecord): void {
    if (this.headersSeen) return;
    this.headersSeen = true;
    this.headersListeners.emit({ header });
  }

  private closeHandle(): Promise<void> | undefined {
    const handle = this.handle;
    this.handle = undefined;
    return closeQuietly(handle);
  }

  private finish(outcome: Outcome): void {
    if (this.phase === 'done') return;
    const wasRunning = this.phase === 'running';
    this.phase = 'done';
    clearTimeout(this.deadline);
    clearTimeout(this.retryTimer);
    const stopping = this.closeHandle();
    if (outcome.ok) {
      this.dispatchHeaders(outcome.result.header);
      this.progressListeners.emit(this.reducer.final(outcome.totalBytes));
    }
    this.progressListeners.clear();
    this.headersListeners.clear();
    this.engine.live.delete(this);
    later(() => this.deliver(outcome));
    // Freed only now: an upload this starts that ends at once is delivered after this one. A transfer the
    // platform goes on with keeps the place until it stops.
    if (!wasRunning) return;
    if (!stopping) {
      this.engine.scheduler.release();
      return;
    }
    const engine = this.engine;
    engine.draining++;
    const free = (): void => {
      engine.draining--;
      engine.scheduler.release();
    };
    stopping.then(free, free);
  }

  private deliver(outcome: Outcome): void {
    const { success, fail, complete } = this.callbacks;
    if (outcome.ok) {
      callSafely('success', success, outcome.result);
      callSafely('complete', complete, outcome.result);
      this.resolve(outcome.result);
    } else {
      callSafely('fail', fail, outcome.result);
      callSafely('complete', complete, outcome.result);
      this.reject(outcome.result);
    }
  }
}

interface EngineState<Source> {
  readonly transport: Transport<Source>;
  /** Ended tasks whose platform transfer has not stopped yet. */
  draining: number;
  readonly scheduler: Scheduler;
  readonly live: Set<UploadRun<Source>>;
  /** configure()'s defaults of the options. */
  readonly defaults: OptionDefaults;
}

/** A throwaway request for a task whose options were rejected: it never reaches a transport. */
function invalidRequest<Source>(): UploadRequest<Source> {
  return {
    url: '',
    files: [],
    form: 'filePath',
    header: {},
    formData: [],
    timeout: 0,
    retry: { count: 0, backoff: 0 },
    withCredentials: false,
    background: false,
    network: 'any',
    tag: undefined,
  };
}

function pickCallbacks(options: unknown): Callbacks {
  if (typeof options !== 'object' || options === null) return {};
  const o = options as Callbacks;
  const pick = <K extends keyof Callbacks>(key: K): Callbacks[K] => (typeof o[key] === 'function' ? o[key] : undefined);
  return { success: pick('success'), fail: pick('fail'), complete: pick('complete') };
}

/**
 * Builds a target's uploadFile from its file-source rules and its transport. Each engine has its own
 * queue: at most `maxConcurrent` (default 10) of its uploads run at once.
 */
export function createUploadEngine<Source, Options>(
  rules: SourceRules<Source>,
  transport: Transport<Source>,
): UploadEngine<Options> {
  const state: EngineState<Source> = {
    transport,
    scheduler: new Scheduler(DEFAULT_MAX_CONCURRENT),
    live: new Set(),
    draining: 0,
    defaults: { background: false },
  };

  function uploadFile(options: Options): UploadTaskPromise {
    // A getter on the options that throws makes a bad option, not an exception out of uploadFile.
    let callbacks: Callbacks = {};
    let checked: Checked<UploadRequest<Source>>;
    try {
      callbacks = pickCallbacks(options);
      checked = normalizeOptions(options, rules, state.defaults);
    } catch (err) {
      checked = { ok: false, reason: parameterError(`options cannot be read: ${describeThrown(err)}`) };
    }
    let resolve!: (result: SuccessResult) => void;
    let reject!: (result: UploadFileFailResult) => void;
    const promise = new Promise<SuccessResult>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Callback-style callers handle the outcome in their callbacks: no unhandled-rejection warning for them.
    if (callbacks.success || callbacks.fail || callbacks.complete) promise.catch(() => undefined);

    const run = new UploadRun<Source>(
      state,
      checked.ok ? checked.value : invalidRequest<Source>(),
      callbacks,
      resolve,
      reject,
    );
    // A late success (UploadFileLateSuccessResult) only comes from a transport that reports afterTheFact():
    // the restored uploads' own entry point types their promise with it.
    const task = promise as UploadTaskPromise;
    task.abort = () => run.abort();
    task.onProgressUpdate = (listener: ProgressListener) => {
      if (run.phase !== 'done') run.progressListeners.add(listener);
    };
    task.offProgressUpdate = (listener?: ProgressListener) => run.progressListeners.remove(listener);
    task.onHeadersReceived = (listener: HeadersListener) => {
      if (run.phase !== 'done') run.headersListeners.add(listener);
    };
    task.offHeadersReceived = (listener?: HeadersListener) => run.headersListeners.remove(listener);
    task.progress = task.onProgressUpdate;
    task.headersReceive = task.onHeadersReceived;

    if (checked.ok) {
      state.live.add(run);
      state.scheduler.submit(run);
    } else {
      run.reportInvalid(checked.reason);
    }
    return task;
  }

  function configure(settings: UploadSettings): void {
    const n = settings.maxConcurrent;
    if (n !== undefined && (!Number.isInteger(n) || n < 1))
      throw new RangeError(`maxConcurrent should be an integer >= 1, got ${String(n)}`);
    const background = settings.background;
    if (background !== undefined && typeof background !== 'boolean')
      throw new TypeError(`background should be a boolean, got ${String(background)}`);
    if (n !== undefined) state.scheduler.setLimit(n);
    if (background !== undefined) state.defaults.background = background;
  }

  function stats(): EngineStats {
    const s = state.scheduler.stats;
    return {
      live: state.live.size,
      running: s.running - state.draining,
      waiting: s.waiting,
      draining: state.draining,
      limit: s.limit,
    };
  }

  return { uploadFile, configure, stats };
}
