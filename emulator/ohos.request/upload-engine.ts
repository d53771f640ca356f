/**
 * The part of the request service that runs an upload task, shared by `uploadFile` and `request.agent`:
 * the files one after the other, one HTTP request each (docs/platform/ohos.request.md §1a "How the body is sent"),
 * the progress accounting and its throttle, and the automatic retries.
 *
 * Retries (docs/platform/ohos.request.md §1a "Task mode", §1b "Mode and `retry`", pitfall §1c.8; SDK doc of
 * `Config.retry`: "The frontend task is always fast-fail"): a task that may retry — BACKGROUND with `retry`
 * true, which is how every `uploadFile` task is created (`request_common.h` Config defaults) — answers a
 * network failure (connection failed, connection lost while sending, timeout) by sending the current file
 * again from its start after a pause, at most `NETWORK_RETRY_TIMES` times per task (`network_retry`, RETRY_TIMES = 4,
 * RETRY_INTERVAL = 400 ms in services/src/task/request_task.rs), then fails. A device whose network is down
 * would wait for it instead; the emulated device is always online, so the bound always applies. Other tasks
 * fail at the first network failure. A 408 answer is sent again twice, whatever the mode (upload.rs).
 */
import { EventEmitter } from 'node:events';
import { startTransfer, type FilePart, type FormField, type ResponseInfo, type TransferHandle } from './http-transfer';
import { isRetryable, type FailureCause } from './reasons';
import { NETWORK_RETRY_TIMES, settings } from '../state';

export interface EngineConfig {
  readonly url: string;
  readonly method: 'POST' | 'PUT';
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly fields: readonly FormField[];
  readonly parts: readonly FilePart[];
  readonly redirect: boolean;
  /** BACKGROUND with retry: network failures are retried (see the module comment). */
  readonly retry: boolean;
}

export interface ProgressSnapshot {
  /** The file being sent. */
  readonly index: number;
  /** File bytes sent per file. */
  readonly processed: readonly number[];
  /** Sum of `processed`. */
  readonly totalProcessed: number;
  /** Bytes to send per file (the range of the file at `index` when begins/ends are set). */
  readonly sizes: readonly number[];
  /** Automatic retries so far (`TaskInfo.tries`). */
  readonly tries: number;
  /** HTTP requests begun so far (each start of a file, retries and restarts included). */
  readonly attempts: number;
}

export type EngineResult =
  | { readonly kind: 'completed'; readonly lastResponse: ResponseInfo; readonly lastBody: Buffer }
  | {
      readonly kind: 'failed';
      readonly index: number;
      readonly cause: FailureCause;
      /** For 'protocol': the answer the service failed on. */
      readonly response?: ResponseInfo;
    }
  | { readonly kind: 'aborted' };

export interface EngineListener {
  /** A throttled progress notification (at most one per `progressIntervalMs`). */
  progress(snapshot: ProgressSnapshot): void;
  /** The final response of a file's request, whatever its status. */
  response(index: number, response: ResponseInfo): void;
  /** A file's request succeeded (2xx); its response body. */
  fileDone(index: number, response: ResponseInfo, body: Buffer): void;
}

const HTTP_REQUEST_TIMEOUT = 408;
const REQUEST_TIMEOUT_RETRIES = 2;

export class UploadEngine {
  private readonly processed: number[];
  private readonly sizes: number[];
  private index = 0;
  private tries = 0;
  private attempts = 0;
  private lastNotify: number;
  private transfer: TransferHandle | undefined;
  private aborted = false;
  /** The answer to the last file sent completely. */
  private lastDone: { response: ResponseInfo; body: Buffer } | undefined;
  private readonly wake = new EventEmitter();

  constructor(
    private readonly config: EngineConfig,
    private readonly listener: EngineListener,
    /** When the task was created: the throttle counts from there (`last_notify` starts at creation). */
    createdAt: number,
  ) {
    this.sizes = config.parts.map((part) => part.length);
    this.processed = config.parts.map(() => 0);
    this.lastNotify = createdAt;
  }

  snapshot(): ProgressSnapshot {
    return {
      index: this.index,
      processed: [...this.processed],
      totalProcessed: this.processed.reduce((sum, n) => sum + n, 0),
      sizes: [...this.sizes],
      tries: this.tries,
      attempts: this.attempts,
    };
  }

  /**
   * Sends the files from the current one (the first at the start; after `abort()` and `rearm()`, the file
   * that was being sent, again from its first byte, and the files after it: files sent before are not sent
   * again, as the service does when it restarts a task, services/src/task/upload.rs `upload_inner`).
   */
  async run(): Promise<EngineResult> {
    let last: { response: ResponseInfo; body: Buffer } | undefined = this.lastDone;
    for (let index = this.index; index < this.config.parts.length; index++) {
      this.index = index;
      const outcome = await this.uploadOne(index);
      if (outcome.kind !== 'done') return outcome;
      last = outcome;
      this.lastDone = outcome;
    }
    if (last === undefined) throw new Error('an upload task has at least one file');
    return { kind: 'completed', lastResponse: last.response, lastBody: last.body };
  }

  /** A task restored from the service's store: files before `index` were sent; `index` starts again. */
  restoreAt(index: number, tries: number): void {
    this.index = Math.min(Math.max(0, index), this.config.parts.length - 1);
    for (let i = 0; i < this.index; i++) this.processed[i] = this.sizes[i] ?? 0;
    this.tries = tries;
  }

  /** After `abort()`: `run()` may be called again (a task the service parked and schedules again). */
  rearm(): void {
    this.aborted = false;
  }

  /** Stops the transfer in progress (its socket is closed when this resolves); `run` then ends 'aborted'. */
  async abort(): Promise<void> {
    this.aborted = true;
    this.wake.emit('abort');
    await this.transfer?.abort();
  }

  private async uploadOne(
    index: number,
  ): Promise<{ kind: 'done'; response: ResponseInfo; body: Buffer } | Exclude<EngineResult, { kind: 'completed' }>> {
    const part = this.config.parts[index];
    if (part === undefined) throw new Error(`no file ${index}`);
    let requestTimeouts = 0;
    for (;;) {
      if (this.aborted) return { kind: 'aborted' };
      // Each attempt sends the file from its start (`prepare_single_upload` resets the file's progress).
      this.processed[index] = 0;
      this.attempts++;
      this.transfer = startTransfer(
        {
          url: this.config.url,
          method: this.config.method,
          headers: this.config.headers,
          multipart: isMultipart(this.config.headers, this.config.method),
          fields: this.config.fields,
          part,
          redirect: this.config.redirect,
        },
        {
          onFileBytes: (count) => this.onFileBytes(index, count),
          onResponse: (response) => this.listener.response(index, response),
        },
      );
      const outcome = await this.transfer.outcome;
      this.transfer = undefined;
      switch (outcome.kind) {
        case 'aborted':
          return { kind: 'aborted' };
        case 'success':
          this.listener.fileDone(index, outcome.response, outcome.body);
          return { kind: 'done', response: outcome.response, body: outcome.body };
        case 'status':
          if (outcome.response.statusCode === HTTP_REQUEST_TIMEOUT && requestTimeouts < REQUEST_TIMEOUT_RETRIES) {
            requestTimeouts++;
            continue;
          }
          // 3xx (not followed), 4xx, 5xx: "Http protocol error", no body (docs/platform/ohos.request.md §1a).
          return { kind: 'failed', index, cause: 'protocol', response: outcome.response };
        case 'failure':
          if (await this.mayRetry(outcome.failure)) continue;
          return { kind: 'failed', index, cause: outcome.failure };
      }
    }
  }

  private async mayRetry(cause: FailureCause): Promise<boolean> {
    if (!this.config.retry || !isRetryable(cause) || this.tries >= NETWORK_RETRY_TIMES) return false;
    this.tries++;
    await this.pause(settings.retryIntervalMs);
    return !this.aborted;
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake.off('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake.once('abort', done);
    });
  }

  /** Progress is checked whenever bytes are taken from the file, as the service's upload operator does. */
  private onFileBytes(index: number, count: number): void {
    this.processed[index] = (this.processed[index] ?? 0) + count;
    const now = Date.now();
    if (now >= this.lastNotify + settings.progressIntervalMs) {
      this.lastNotify = now;
      this.listener.progress(this.snapshot());
    }
  }
}

/**
 * The multipart rule of `upload_inner` (services/src/task/upload.rs; docs/platform/ohos.request.md §1a): multipart
 * when the header map has the key exactly "Content-Type" with the value exactly "multipart/form-data", or,
 * without that key, when the method is POST. Otherwise the file is the raw body and the form fields are
 * dropped. The SDK doc of `Config.headers` says uploads are "forced" to multipart; the implementation is not.
 */
export function isMultipart(headers: ReadonlyArray<readonly [string, string]>, method: string): boolean {
  const contentType = headers.find(([name]) => name === 'Content-Type');
  return contentType !== undefined ? contentType[1] === 'multipart/form-data' : method.toUpperCase() === 'POST';
}

/** Bytes sent of the file at `index` when begins/ends are set (`change_upload_size`, request_task.rs). */
export function rangeOf(begins: number, ends: number, size: number): { start: number; length: number } {
  let last = ends;
  if (last < 0 || last >= size) last = size - 1;
  if (begins > last) return { start: 0, length: size };
  const length = last - begins + 1;
  return { start: length < size ? begins : 0, length };
}
