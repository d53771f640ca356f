/**
 * The engine's unit tests drive uploads by hand: a Transport whose attempts the test plays step by step,
 * and a recorder of what a caller of uploadFile sees, in order.
 *
 *   const { engine, transport } = scriptedEngine();
 *   const seen = watch(engine.uploadFile, uploadOptions());
 *   await flush();
 *   transport.last.progress(50, 100).headers().respond();
 *   await flush();
 *   expect(kinds(seen)).toEqual(['progress', 'headers', 'progress', 'success', 'complete', 'resolved']);
 *
 * The engine defers three things: the start of an upload that leaves the queue (a microtask after the call,
 * or after the release that let it out), the outcome callbacks and the promise. `flush()` lets them run
 * without moving the (fake) clock; everything else is synchronous.
 */
import { createUploadEngine } from '../../src/core/engine';
import type { UploadEngine } from '../../src/core/engine';
import { baseName } from '../../src/core/mime';
import { checkPathString } from '../../src/core/options';
import { isRecord } from '../../src/core/values';
import type { SourceRules, UploadRequest } from '../../src/core/options';
import type { Transport, TransportHandle, TransportResponse, TransportSink } from '../../src/core/transport';
import type {
  HeaderRecord,
  UploadFileCompleteResult,
  UploadFileFailResult,
  UploadFileOptions,
  UploadFileSuccessResult,
  UploadTaskPromise,
} from '../../src/core/types';
import type { RecordedEvent } from '../contract/driver';

export const RESPONSE_HEADER: HeaderRecord = { 'content-type': 'application/json; charset=utf-8' };
export const RESPONSE: TransportResponse = {
  statusCode: 200,
  header: RESPONSE_HEADER,
  data: '{"ok":true}',
  totalBytes: 100,
};

/**
 * One start() of the transport. The test makes it report; it reports whatever it is told, after close()
 * too, so that a test can check the engine ignores what comes late.
 */
export class ScriptedAttempt implements TransportHandle {
  /** How many times the engine called close(). */
  closes = 0;
  /** Runs inside close(), after it is counted: to make close() throw, or report from inside it. */
  whileClosing: ((attempt: ScriptedAttempt) => void) | undefined;
  /** What close() returns: a promise stands for a platform that goes on after close() until it settles. */
  stopping: Promise<void> | undefined;

  constructor(
    readonly index: number,
    readonly request: UploadRequest<string>,
    private readonly sink: TransportSink,
    private readonly log: string[],
  ) {}

  close(): void | Promise<void> {
    this.closes++;
    this.log.push(`close ${this.index}`);
    this.whileClosing?.(this);
    return this.stopping;
  }

  progress(sent: number, total: number): this {
    this.sink.progress(sent, total);
    return this;
  }

  headers(header: HeaderRecord = RESPONSE_HEADER): this {
    this.sink.headers(header);
    return this;
  }

  respond(response: Partial<TransportResponse> = {}): this {
    this.sink.success({ ...RESPONSE, ...response });
    return this;
  }

  fail(reason: string, retryable?: boolean): this {
    this.sink.fail(reason, retryable);
    return this;
  }

  /** The outcome that follows was learned after the fact (a restored background upload). */
  afterTheFact(): this {
    this.sink.afterTheFact();
    return this;
  }

  /** Every kind of report once: after the outcome or close(), none of them may reach the caller. */
  reportEverything(): this {
    return this.progress(10, 100).headers({ late: 'yes' }).progress(99, 100).respond().fail('late', true);
  }
}

export class ScriptedTransport implements Transport<string> {
  readonly attempts: ScriptedAttempt[] = [];
  /** `start 0`, `close 0`, `start 1`, ...: what the engine asked of the transport, in order. */
  readonly log: string[] = [];
  /** Runs inside every start() from now on, before the handle is returned: to report or throw while starting. */
  whileStarting: ((attempt: ScriptedAttempt) => void) | undefined;

  start(request: UploadRequest<string>, sink: TransportSink): TransportHandle {
    const attempt = new ScriptedAttempt(this.attempts.length, request, sink, this.log);
    this.attempts.push(attempt);
    this.log.push(`start ${attempt.index}`);
    this.whileStarting?.(attempt);
    return attempt;
  }

  /** The latest attempt; a test that expects one and finds none fails here. */
  get last(): ScriptedAttempt {
    const attempt = this.attempts[this.attempts.length - 1];
    if (!attempt) throw new Error('the transport was never started');
    return attempt;
  }

  /** How many times each attempt was closed, in start order. */
  get closes(): number[] {
    return this.attempts.map((a) => a.closes);
  }
}

/** A target whose filePath is a path string, read as the ArkTS target reads it. */
export const pathRules: SourceRules<string> = {
  read(value, field) {
    const problem = checkPathString(value, 'String', field);
    return problem ? { ok: false, reason: problem } : { ok: true, value: value as string };
  },
  fileName: baseName,
};

/** A fresh engine (its own queue) over a fresh scripted transport. Options are `unknown` to allow bad ones. */
export function scriptedEngine(rules: SourceRules<string> = pathRules): {
  engine: UploadEngine<unknown>;
  transport: ScriptedTransport;
} {
  const transport = new ScriptedTransport();
  return { engine: createUploadEngine<string, unknown>(rules, transport), transport };
}

/** Valid options without callbacks, with some of them replaced. */
export function uploadOptions(overrides: Partial<UploadFileOptions> = {}): UploadFileOptions {
  return {
    url: 'https://example.com/upload',
    filePath: '/data/storage/el2/base/cache/photo.jpg',
    name: 'file',
    ...overrides,
  };
}

/** What a caller saw: callbacks, listeners and the promise, in order (read with test/contract/recording.ts). */
export class Seen {
  constructor(
    readonly task: UploadTaskPromise,
    readonly events: RecordedEvent[],
  ) {}
}

/**
 * Calls uploadFile as a caller would: success, fail and complete callbacks in the options when they are an
 * object (a callback the options already have, valid or not, is left as it is; the object is changed in place),
 * progress and headers listeners added on the task it returns, and handlers on its promise.
 */
export function watch(uploadFile: (options: unknown) => UploadTaskPromise, options: unknown): Seen {
  const events: RecordedEvent[] = [];
  if (isRecord(options)) {
    const callbacks = {
      success: (result: UploadFileSuccessResult) => void events.push({ kind: 'success', result }),
      fail: (result: UploadFileFailResult) => void events.push({ kind: 'fail', result }),
      complete: (result: UploadFileCompleteResult) => void events.push({ kind: 'complete', result }),
    };
    for (const [key, fn] of Object.entries(callbacks)) if (!(key in options)) options[key] = fn;
  }
  const seen = new Seen(uploadFile(options), events);
  seen.task.onProgressUpdate(
    (u) =>
      void events.push({
        kind: 'progress',
        progress: u.progress,
        sent: u.totalBytesSent,
        expected: u.totalBytesExpectedToSend,
      }),
  );
  seen.task.onHeadersReceived((h) => void events.push({ kind: 'headers', header: h.header }));
  seen.task.then(
    (result) => void events.push({ kind: 'resolved', result }),
    (result: UploadFileFailResult) => void events.push({ kind: 'rejected', result }),
  );
  return seen;
}

const realSetImmediate = setImmediate;
/** Lets the callbacks and promise handlers the engine has queued run, without moving the fake clock. */
export function flush(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve));
}
