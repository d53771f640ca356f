/**
 * The task state machine of src/core/engine.ts, over a scripted transport and fake timers: what callbacks,
 * listeners and the promise see, in order, and what the transport is asked to do (start, close).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createUploadEngine } from '../../src/core/engine';
import type { Transport, TransportHandle, TransportSink } from '../../src/core/transport';
import type { UploadFileOptions, UploadTaskPromise } from '../../src/core/types';
import {
  flush,
  pathRules,
  RESPONSE,
  RESPONSE_HEADER,
  scriptedEngine,
  uploadOptions,
  watch,
} from './scripted-transport';
import type { ScriptedAttempt, ScriptedTransport, Seen } from './scripted-transport';
import {
  eventOf,
  expectFailure,
  expectOutcome,
  expectSuccess,
  headersOf,
  kinds,
  percents,
  progressOf,
} from '../contract/recording';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** One upload on a fresh engine, watched from the call on, once its transport has started. */
async function upload(overrides: Partial<UploadFileOptions> = {}) {
  const { engine, transport } = scriptedEngine();
  const seen = watch(engine.uploadFile, uploadOptions(overrides));
  await flush();
  return { engine, transport, seen, task: seen.task };
}

const SUCCESS = {
  data: RESPONSE.data,
  statusCode: RESPONSE.statusCode,
  header: RESPONSE.header,
  errMsg: 'uploadFile:ok',
};

/** After the outcome: whatever every attempt still reports reaches nobody, and nothing is closed again. */
async function expectLateReportsIgnored(seen: Seen, transport: ScriptedTransport): Promise<void> {
  await flush();
  const events = [...seen.events];
  const closes = transport.closes;
  for (const attempt of transport.attempts) attempt.reportEverything();
  seen.task.abort();
  vi.advanceTimersByTime(120000);
  await flush();
  expect(seen.events).toEqual(events);
  expect(transport.closes).toEqual(closes);
}

describe('what the caller sees, in order', () => {
  it('a success: progress, one headers event, 100 with the answer, success, complete, then the promise', async () => {
    const { transport, seen } = await upload();
    transport.last.progress(0, 100).progress(40, 100).progress(99, 100).headers().respond();
    await flush();
    expect(seen.events).toEqual([
      { kind: 'progress', progress: 0, sent: 0, expected: 100 },
      { kind: 'progress', progress: 40, sent: 40, expected: 100 },
      { kind: 'progress', progress: 99, sent: 99, expected: 100 },
      { kind: 'headers', header: RESPONSE_HEADER },
      { kind: 'progress', progress: 100, sent: 100, expected: 100 },
      { kind: 'success', result: SUCCESS },
      { kind: 'complete', result: SUCCESS },
      { kind: 'resolved', result: SUCCESS },
    ]);
    expect(transport.log).toEqual(['start 0', 'close 0']);
  });

  it('one headers event: from the answer when the transport reports none, the first when it reports two', async () => {
    const silent = await upload();
    silent.transport.last.respond({ header: { 'x-from': 'answer' } });
    await flush();
    expect(silent.seen.events.slice(0, 2)).toEqual([
      { kind: 'headers', header: { 'x-from': 'answer' } },
      { kind: 'progress', progress: 100, sent: 100, expected: 100 },
    ]);

    const twice = await upload();
    twice.transport.last
      .headers({ 'x-report': 'first' })
      .headers({ 'x-report': 'second' })
      .respond({ header: { 'x-report': 'second' } });
    await flush();
    expect(headersOf(twice.seen)).toEqual([{ kind: 'headers', header: { 'x-report': 'first' } }]);
    // The result carries the answer's headers, whatever the headers event said.
    expect(eventOf(twice.seen, 'success').result.header).toEqual({ 'x-report': 'second' });
  });

  it('progress is an integer percent that only rises; 100 comes only with the answer, with sent == expected', async () => {
    const { transport, seen } = await upload();
    const reports: Array<[number, number]> = [
      [0, 1000],
      [5, 1000],
      [10, 1000],
      [10, 1000],
      [333, 1000],
      [200, 1000],
      [999, 1000],
      [1000, 1000],
      [1500, 1000],
      [-1, 1000],
      [Number.NaN, 1000],
      [5, 0],
    ];
    for (const [sent, total] of reports) transport.last.progress(sent, total);
    expect(percents(seen)).toEqual([0, 1, 33, 99]);
    transport.last.respond({ totalBytes: 1000 });
    expect(progressOf(seen).slice(-2)).toEqual([
      { kind: 'progress', progress: 99, sent: 999, expected: 1000 },
      { kind: 'progress', progress: 100, sent: 1000, expected: 1000 },
    ]);
  });

  it('a failure has no 100 and no headers event of its own', async () => {
    const { transport, seen } = await upload();
    transport.last.progress(50, 100).fail('connection reset');
    await flush();
    expect(kinds(seen)).toEqual(['progress', 'fail', 'complete', 'rejected']);
    expectFailure(seen, 'uploadFile:fail connection reset');
  });

  it('nothing reaches the caller after the outcome, whatever the transport still reports', async () => {
    const ok = await upload();
    ok.transport.last.respond();
    await expectLateReportsIgnored(ok.seen, ok.transport);
    expect(kinds(ok.seen)).toEqual(['headers', 'progress', 'success', 'complete', 'resolved']);

    const failed = await upload();
    failed.transport.last.fail('offline');
    await expectLateReportsIgnored(failed.seen, failed.transport);
    expectFailure(failed.seen, 'uploadFile:fail offline');
  });

  it('callbacks never run inside the call that caused them', async () => {
    const { engine, transport } = scriptedEngine();
    const bad = watch(engine.uploadFile, uploadOptions({ name: '' }));
    expect(kinds(bad)).toEqual([]);
    await flush();
    expect(kinds(bad)).toEqual(['fail', 'complete', 'rejected']);

    const aborted = watch(engine.uploadFile, uploadOptions());
    aborted.task.abort();
    expect(kinds(aborted)).toEqual([]);
    await flush();
    expect(kinds(aborted)).toEqual(['fail', 'complete', 'rejected']);

    // Nor inside the transport's report: the transport is never re-entered from a callback.
    const answered = watch(engine.uploadFile, uploadOptions());
    await flush();
    transport.last.respond();
    expect(kinds(answered)).toEqual(['headers', 'progress']);
    await flush();
    expect(kinds(answered)).toEqual(['headers', 'progress', 'success', 'complete', 'resolved']);

    const failed = watch(engine.uploadFile, uploadOptions());
    await flush();
    transport.last.fail('offline');
    expect(kinds(failed)).toEqual([]);
    await flush();
    expect(kinds(failed)).toEqual(['fail', 'complete', 'rejected']);
  });

  it('a callback that throws is reported with console.error; complete and the promise still follow', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { transport, seen } = await upload({
      success: () => {
        throw new Error('a bug in the caller');
      },
    });
    transport.last.respond();
    await flush();
    expect(kinds(seen)).toEqual(['headers', 'progress', 'complete', 'resolved']);
    expect(error).toHaveBeenCalledTimes(1);
    expect(String(error.mock.calls[0][0])).toContain('the success callback threw');
  });
});

describe('timeout', () => {
  it('ends the upload with uploadFile:fail timeout when the time is up, and closes the transport', async () => {
    const { transport, seen } = await upload({ timeout: 1000 });
    transport.last.progress(10, 100);
    vi.advanceTimersByTime(999);
    await flush();
    expect(kinds(seen)).toEqual(['progress']);
    expect(transport.closes).toEqual([0]);
    vi.advanceTimersByTime(1);
    expect(transport.closes).toEqual([1]);
    await flush();
    expect(kinds(seen)).toEqual(['progress', 'fail', 'complete', 'rejected']);
    expectFailure(seen, 'uploadFile:fail timeout');
    await expectLateReportsIgnored(seen, transport);
  });

  it('is 60 s when not given', async () => {
    const { transport, seen } = await upload();
    vi.advanceTimersByTime(59999);
    expect(transport.closes).toEqual([0]);
    vi.advanceTimersByTime(1);
    await flush();
    expectFailure(seen, 'uploadFile:fail timeout');
  });

  it('is counted from the moment the upload leaves the queue, not from the call', async () => {
    const { engine, transport } = scriptedEngine();
    engine.configure({ maxConcurrent: 1 });
    watch(engine.uploadFile, uploadOptions());
    const queued = watch(engine.uploadFile, uploadOptions({ timeout: 1000 }));
    await flush();
    vi.advanceTimersByTime(5000);
    transport.attempts[0].respond();
    await flush();
    expect(transport.log).toEqual(['start 0', 'close 0', 'start 1']);
    vi.advanceTimersByTime(999);
    await flush();
    expect(kinds(queued)).toEqual([]);
    vi.advanceTimersByTime(1);
    await flush();
    expectFailure(queued, 'uploadFile:fail timeout');
    expect(transport.closes).toEqual([1, 1]);
  });

  it('covers the whole upload, retries and their waits included', async () => {
    const { transport, seen } = await upload({ timeout: 2500, retry: { count: 5, backoff: 1000 } });
    transport.last.fail('offline', true);
    vi.advanceTimersByTime(1000);
    transport.last.fail('offline', true);
    // The next attempt would start at 3000 ms: the deadline comes first.
    vi.advanceTimersByTime(1500);
    await flush();
    expectFailure(seen, 'uploadFile:fail timeout');
    vi.advanceTimersByTime(10000);
    expect(transport.log).toEqual(['start 0', 'close 0', 'start 1', 'close 1']);
  });

  it('the outcome leaves no timer behind', async () => {
    const ok = await upload({ timeout: 5000 });
    ok.transport.last.respond();
    expect(vi.getTimerCount()).toBe(0);

    const waiting = await upload({ retry: { count: 2 } });
    waiting.transport.last.fail('offline', true);
    expect(vi.getTimerCount()).toBe(2);
    waiting.task.abort();
    expect(vi.getTimerCount()).toBe(0);
    await flush();
  });
});

describe('background mode: timeout is the time without progress', () => {
  it('none by default: an upload with no progress for hours still runs', async () => {
    const { transport, seen } = await upload({ background: true });
    vi.advanceTimersByTime(6 * 3600 * 1000);
    await flush();
    expect(seen.events).toEqual([]);
    transport.last.progress(100, 100).respond();
    await flush();
    expectSuccess(seen);
  });

  it('a timeout counts from the last progress: progress keeps it alive, silence ends it', async () => {
    const { transport, seen } = await upload({ background: true, timeout: 1000 });
    for (let i = 1; i <= 5; i++) {
      vi.advanceTimersByTime(900);
      transport.last.progress(i * 10, 100);
    }
    await flush();
    expect(percents(seen)).toEqual([10, 20, 30, 40, 50]);
    vi.advanceTimersByTime(999);
    await flush();
    expect(kinds(seen)).not.toContain('fail');
    vi.advanceTimersByTime(1);
    await flush();
    expectFailure(seen, 'uploadFile:fail timeout');
    expect(transport.closes).toEqual([1]);
  });

  it('a timer that fires late because the process was frozen starts again instead of failing', async () => {
    const { transport, seen } = await upload({ background: true, timeout: 1000 });
    // The process is frozen for a minute: the clock moves on, the timer fires 59 s late.
    vi.setSystemTime(Date.now() + 60000);
    vi.advanceTimersByTime(1000);
    await flush();
    expect(kinds(seen)).toEqual([]);
    transport.last.progress(50, 100);
    vi.advanceTimersByTime(1000);
    await flush();
    expectFailure(seen, 'uploadFile:fail timeout');
  });
});

describe('an outcome learned after the fact (afterTheFact())', () => {
  it('a success carries the headers, no statusCode or data, and is marked', async () => {
    const { transport, seen } = await upload({ background: true });
    transport.last
      .progress(40, 100)
      .afterTheFact()
      .respond({ statusCode: 0, data: '', header: { etag: '"x"' } });
    await flush();
    const result = { errMsg: 'uploadFile:ok', header: { etag: '"x"' }, afterTheFact: true };
    expect(seen.events.slice(-4)).toEqual([
      { kind: 'progress', progress: 100, sent: 100, expected: 100 },
      { kind: 'success', result },
      { kind: 'complete', result },
      { kind: 'resolved', result },
    ]);
    expect(headersOf(seen)).toEqual([{ kind: 'headers', header: { etag: '"x"' } }]);
  });

  it('a failure is marked, and never retried', async () => {
    const { transport, seen } = await upload({ background: true, retry: { count: 3 } });
    transport.last.afterTheFact().fail('network disconnected', true);
    await flush();
    expect(expectOutcome(seen).result).toEqual({ errMsg: 'uploadFile:fail network disconnected', afterTheFact: true });
    expect(transport.attempts).toHaveLength(1);
  });
});

describe('retry', () => {
  /** Fails the latest attempt as retryable; returns how long the engine waits before it starts the next one. */
  function retryDelay(transport: ScriptedTransport): number {
    const attempts = transport.attempts.length;
    const failedAt = Date.now();
    transport.last.fail('offline', true);
    expect(transport.closes[attempts - 1]).toBe(1);
    vi.advanceTimersToNextTimer();
    expect(transport.attempts).toHaveLength(attempts + 1);
    return Date.now() - failedAt;
  }

  it('waits backoff, then 2×, 4× as long before each new attempt; each failed attempt is closed before the next', async () => {
    const { transport, seen } = await upload({ retry: { count: 3, backoff: 100 } });
    expect([retryDelay(transport), retryDelay(transport), retryDelay(transport)]).toEqual([100, 200, 400]);
    transport.last.respond();
    await flush();
    expect(kinds(seen)).toEqual(['headers', 'progress', 'success', 'complete', 'resolved']);
    expect(transport.log).toEqual([
      ...['start 0', 'close 0', 'start 1', 'close 1'],
      ...['start 2', 'close 2', 'start 3', 'close 3'],
    ]);
    // Every attempt is asked for the same upload.
    for (const attempt of transport.attempts) expect(attempt.request).toEqual(transport.attempts[0].request);
  });

  it('waits 1 s first when no backoff is given, and not at all with backoff 0', async () => {
    const byDefault = await upload({ retry: { count: 2 } });
    expect([retryDelay(byDefault.transport), retryDelay(byDefault.transport)]).toEqual([1000, 2000]);
    const noWait = await upload({ retry: { count: 2, backoff: 0 } });
    expect([retryDelay(noWait.transport), retryDelay(noWait.transport)]).toEqual([0, 0]);
  });

  it('makes count more attempts at most, then fails with the last failure', async () => {
    const { transport, seen } = await upload({ retry: { count: 2, backoff: 10 } });
    retryDelay(transport);
    retryDelay(transport);
    transport.last.fail('still offline', true);
    vi.advanceTimersByTime(60000);
    await flush();
    expect(transport.attempts).toHaveLength(3);
    expect(transport.closes).toEqual([1, 1, 1]);
    expectFailure(seen, 'uploadFile:fail still offline');
  });

  it('never retries without the retry option', async () => {
    const { transport, seen } = await upload();
    transport.last.fail('offline', true);
    await flush();
    expectFailure(seen, 'uploadFile:fail offline');
    expect(transport.attempts).toHaveLength(1);
  });

  it('never retries a failure that is not marked retryable', async () => {
    for (const retryable of [undefined, false]) {
      const { transport, seen } = await upload({ retry: { count: 3, backoff: 10 } });
      transport.last.fail('certificate expired', retryable);
      vi.advanceTimersByTime(1000);
      await flush();
      expectFailure(seen, 'uploadFile:fail certificate expired');
      expect(transport.attempts).toHaveLength(1);
    }
  });

  it('never retries once the headers arrived: the server has seen the upload', async () => {
    const { transport, seen } = await upload({ retry: { count: 3, backoff: 10 } });
    transport.last.headers().fail('connection reset', true);
    vi.advanceTimersByTime(1000);
    await flush();
    expect(kinds(seen)).toEqual(['headers', 'fail', 'complete', 'rejected']);
    expectFailure(seen, 'uploadFile:fail connection reset');
    expect(transport.attempts).toHaveLength(1);
  });

  it('never retries after abort(): an abort during the wait ends the upload, no new attempt starts', async () => {
    const { transport, seen, task } = await upload({ retry: { count: 3, backoff: 100 } });
    transport.last.fail('offline', true);
    vi.advanceTimersByTime(50);
    task.abort();
    vi.advanceTimersByTime(10000);
    await flush();
    expectFailure(seen, 'uploadFile:fail abort');
    expect(transport.log).toEqual(['start 0', 'close 0']);
  });

  it('progress never goes back: a new attempt is silent until it passes the figure already shown', async () => {
    const { transport, seen } = await upload({ retry: { count: 1, backoff: 10 } });
    transport.last.progress(60, 100).fail('offline', true);
    vi.advanceTimersByTime(10);
    transport.last.progress(10, 100).progress(30, 100).progress(60, 100).progress(70, 100).respond();
    expect(percents(seen)).toEqual([60, 70, 100]);
  });

  it("a failed attempt's later reports are ignored, during the wait and after the next attempt started", async () => {
    const { transport, seen } = await upload({ retry: { count: 1, backoff: 10 } });
    const first = transport.last;
    first.fail('offline', true);
    first.reportEverything();
    vi.advanceTimersByTime(10);
    first.reportEverything();
    expect(kinds(seen)).toEqual([]);
    transport.last.progress(20, 100);
    first.reportEverything();
    await flush();
    expect(percents(seen)).toEqual([20]);
    expect(kinds(seen)).toEqual(['progress']);
    transport.last.respond();
    await flush();
    expect(kinds(seen)).toEqual(['progress', 'headers', 'progress', 'success', 'complete', 'resolved']);
  });

  it('what a failed attempt reports from inside its close() is ignored', async () => {
    const { transport, seen } = await upload({ retry: { count: 1, backoff: 10 } });
    transport.last.whileClosing = (attempt) => attempt.progress(90, 100).fail('cancelled');
    transport.last.fail('offline', true);
    vi.advanceTimersByTime(10);
    expect(transport.attempts).toHaveLength(2);
    transport.last.respond();
    await flush();
    expect(kinds(seen)).toEqual(['headers', 'progress', 'success', 'complete', 'resolved']);
  });
});

interface Ending {
  name: string;
  options?: Partial<UploadFileOptions>;
  /** Ends the upload that was started. */
  end(transport: ScriptedTransport, task: UploadTaskPromise): void;
  /** The failure's errMsg; none for a success. */
  errMsg?: string;
  /** How many attempts the transport saw (default 1). */
  attempts?: number;
  /** Set up before uploadFile is called. */
  before?(transport: ScriptedTransport): void;
}

const endings: Ending[] = [
  { name: 'a success', end: (t) => t.last.progress(50, 100).respond() },
  { name: 'a failure', end: (t) => t.last.progress(50, 100).fail('offline'), errMsg: 'uploadFile:fail offline' },
  {
    name: 'the timeout',
    options: { timeout: 1000 },
    end: () => vi.advanceTimersByTime(1000),
    errMsg: 'uploadFile:fail timeout',
  },
  {
    name: 'a failure reported inside start()',
    before: (t) => {
      t.whileStarting = (a) => a.fail('file not found: /data/x');
    },
    end: () => undefined,
    errMsg: 'uploadFile:fail file not found: /data/x',
  },
  {
    name: 'a success reported inside start()',
    before: (t) => {
      t.whileStarting = (a) => a.respond();
    },
    end: () => undefined,
  },
  {
    name: 'retryable failures reported inside start(), until the retries run out',
    options: { retry: { count: 2, backoff: 10 } },
    before: (t) => {
      t.whileStarting = (a) => a.fail('offline', true);
    },
    end: () => vi.advanceTimersByTime(30),
    errMsg: 'uploadFile:fail offline',
    attempts: 3,
  },
  {
    name: 'abort() from a progress listener, inside the report',
    end: (t, task) => {
      task.onProgressUpdate(() => task.abort());
      t.last.progress(50, 100);
    },
    errMsg: 'uploadFile:fail abort',
  },
  {
    name: 'abort() from a headers listener, before the answer',
    end: (t, task) => {
      task.onHeadersReceived(() => task.abort());
      t.last.headers().respond();
    },
    errMsg: 'uploadFile:fail abort',
  },
  {
    name: 'abort() from a listener while a retry attempt reports inside start()',
    options: { retry: { count: 1, backoff: 10 } },
    end: (t, task) => {
      task.onProgressUpdate(() => task.abort());
      t.last.fail('offline', true);
      t.whileStarting = (a) => a.progress(50, 100);
      vi.advanceTimersByTime(10);
    },
    errMsg: 'uploadFile:fail abort',
    attempts: 2,
  },
];

describe('close(): exactly once for every attempt, whatever ends the upload; nothing counts after it', () => {
  for (const c of endings) {
    it(c.name, async () => {
      const { engine, transport } = scriptedEngine();
      c.before?.(transport);
      const seen = watch(engine.uploadFile, uploadOptions(c.options));
      await flush();
      c.end(transport, seen.task);
      await flush();
      if (c.errMsg === undefined) expectSuccess(seen);
      else expectFailure(seen, c.errMsg);
      expect(transport.closes).toEqual(Array.from({ length: c.attempts ?? 1 }, () => 1));
      await expectLateReportsIgnored(seen, transport);
      expect(engine.stats()).toMatchObject({ live: 0, running: 0, waiting: 0 });
    });
  }

  it('a start() that throws fails the upload with what was thrown; the sink it was given is dead', async () => {
    const thrown: Array<[unknown, string]> = [
      [new Error('no backend'), 'uploadFile:fail no backend'],
      [{ code: 13400001, message: 'file error' }, 'uploadFile:fail 13400001 file error'],
      ['plain text', 'uploadFile:fail plain text'],
    ];
    for (const [value, errMsg] of thrown) {
      const { engine, transport } = scriptedEngine();
      transport.whileStarting = () => {
        throw value;
      };
      const seen = watch(engine.uploadFile, uploadOptions());
      await flush();
      expectFailure(seen, errMsg);
      // No handle was handed over: there is nothing to close.
      expect(transport.closes).toEqual([0]);
      await expectLateReportsIgnored(seen, transport);
    }
  });

  it('a retry whose start() throws: the failed attempt was closed, the upload fails with what was thrown', async () => {
    const { transport, seen } = await upload({ retry: { count: 3, backoff: 10 } });
    transport.whileStarting = () => {
      throw new Error('out of sockets');
    };
    transport.last.fail('offline', true);
    vi.advanceTimersByTime(10);
    await flush();
    expectFailure(seen, 'uploadFile:fail out of sockets');
    expect(transport.closes).toEqual([1, 0]);
    vi.advanceTimersByTime(1000);
    expect(transport.attempts).toHaveLength(2);
  });

  it('a close() that throws is reported with console.error; the outcome still comes', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { transport, seen } = await upload();
    transport.last.whileClosing = () => {
      throw new Error('already released');
    };
    transport.last.respond();
    await flush();
    expect(kinds(seen)).toEqual(['headers', 'progress', 'success', 'complete', 'resolved']);
    expect(error).toHaveBeenCalledTimes(1);
    expect(String(error.mock.calls[0][0])).toContain('a transport failed to close');
  });

  it('what the transport reports from inside the final close() is ignored', async () => {
    const { transport, seen, task } = await upload();
    transport.last.whileClosing = (attempt) => attempt.reportEverything();
    transport.last.progress(50, 100);
    task.abort();
    await flush();
    expect(kinds(seen)).toEqual(['progress', 'fail', 'complete', 'rejected']);
    expect(transport.closes).toEqual([1]);
  });
});

describe('abort()', () => {
  it('in the same turn as uploadFile: fail abort, and the transport is never started', async () => {
    const { engine, transport } = scriptedEngine();
    const seen = watch(engine.uploadFile, uploadOptions());
    seen.task.abort();
    await flush();
    expect(transport.log).toEqual([]);
    expect(kinds(seen)).toEqual(['fail', 'complete', 'rejected']);
    expectFailure(seen, 'uploadFile:fail abort');
    expect(engine.stats()).toMatchObject({ live: 0, running: 0, waiting: 0 });
  });

  it('once the transport has started: fail abort, the started attempt is closed, nothing else is seen', async () => {
    const { transport, seen, task, engine } = await upload();
    task.abort();
    task.abort();
    expect(transport.log).toEqual(['start 0', 'close 0']);
    await flush();
    expect(kinds(seen)).toEqual(['fail', 'complete', 'rejected']);
    expectFailure(seen, 'uploadFile:fail abort');
    expect(engine.stats()).toMatchObject({ live: 0, running: 0 });
  });

  it('while waiting in the queue: the upload never starts, and the queue moves on to the next one', async () => {
    const { engine, transport } = scriptedEngine();
    engine.configure({ maxConcurrent: 1 });
    const url = (n: number): string => `https://example.com/upload?n=${n}`;
    const first = watch(engine.uploadFile, uploadOptions({ url: url(1) }));
    const second = watch(engine.uploadFile, uploadOptions({ url: url(2) }));
    const third = watch(engine.uploadFile, uploadOptions({ url: url(3) }));
    second.task.abort();
    second.task.abort();
    expect(engine.stats()).toEqual({ live: 2, running: 1, waiting: 1, draining: 0, limit: 1 });
    await flush();
    expectFailure(second, 'uploadFile:fail abort');
    expect(kinds(second)).toEqual(['fail', 'complete', 'rejected']);
    transport.last.respond();
    await flush();
    expect(transport.attempts.map((a) => a.request.url)).toEqual([url(1), url(3)]);
    transport.last.respond();
    await flush();
    expect(kinds(first).slice(-1)).toEqual(['resolved']);
    expect(kinds(third).slice(-1)).toEqual(['resolved']);
    expect(engine.stats()).toEqual({ live: 0, running: 0, waiting: 0, draining: 0, limit: 1 });
  });

  const phases: Array<{ name: string; report(attempt: ScriptedAttempt): void; seen: string }> = [
    {
      name: 'running, before the headers: the progress seen stays',
      report: (a) => a.progress(30, 100),
      seen: 'progress',
    },
    {
      name: 'running, after the headers: abort wins over the answer still to come',
      report: (a) => a.headers(),
      seen: 'headers',
    },
  ];
  for (const phase of phases) {
    it(`${phase.name}; nothing the transport reports after it counts`, async () => {
      const { transport, seen, task } = await upload();
      phase.report(transport.last);
      task.abort();
      task.abort();
      transport.last.progress(60, 100).respond();
      await flush();
      expect(kinds(seen)).toEqual([phase.seen, 'fail', 'complete', 'rejected']);
      expectFailure(seen, 'uploadFile:fail abort');
      expect(transport.closes).toEqual([1]);
    });
  }

  it('after the outcome: a no-op, the success stands', async () => {
    const { transport, seen, task } = await upload();
    transport.last.respond();
    task.abort();
    await flush();
    task.abort();
    task.abort();
    await flush();
    expect(kinds(seen)).toEqual(['headers', 'progress', 'success', 'complete', 'resolved']);
    expect(transport.closes).toEqual([1]);
  });

  it('after a failure: a no-op, the failure stands', async () => {
    const { transport, seen, task } = await upload();
    transport.last.fail('offline');
    task.abort();
    await flush();
    task.abort();
    await flush();
    expectFailure(seen, 'uploadFile:fail offline');
  });

  it('from a listener: the listeners after it are not called for that event', async () => {
    const { engine, transport } = scriptedEngine();
    const task = engine.uploadFile(uploadOptions({ fail: () => undefined }));
    const called: string[] = [];
    task.onProgressUpdate(() => {
      called.push('first');
      task.abort();
    });
    task.onProgressUpdate(() => void called.push('second'));
    await flush();
    transport.last.progress(10, 100);
    await flush();
    expect(called).toEqual(['first']);
  });
});

describe('the queue', () => {
  const url = (n: number): string => `https://example.com/upload?n=${n}`;
  const started = (t: ScriptedTransport): string[] => t.attempts.map((a) => a.request.url);

  it('runs at most maxConcurrent uploads; the others start in call order as slots free up', async () => {
    const { engine, transport } = scriptedEngine();
    engine.configure({ maxConcurrent: 2 });
    const seen = [0, 1, 2, 3, 4].map((n) => watch(engine.uploadFile, uploadOptions({ url: url(n) })));
    expect(engine.stats()).toEqual({ live: 5, running: 2, waiting: 3, draining: 0, limit: 2 });
    await flush();
    expect(started(transport)).toEqual([url(0), url(1)]);
    transport.attempts[1].respond();
    await flush();
    expect(started(transport)).toEqual([url(0), url(1), url(2)]);
    transport.attempts[0].fail('offline');
    await flush();
    expect(started(transport)).toEqual([url(0), url(1), url(2), url(3)]);
    seen[2].task.abort();
    await flush();
    expect(started(transport)).toEqual([url(0), url(1), url(2), url(3), url(4)]);
    // A bad option never waits for a slot.
    const bad = watch(engine.uploadFile, uploadOptions({ url: 'ftp://example.com/' }));
    await flush();
    expect(kinds(bad)).toEqual(['fail', 'complete', 'rejected']);
    expect(engine.stats()).toEqual({ live: 2, running: 2, waiting: 0, draining: 0, limit: 2 });
    transport.attempts[3].respond();
    transport.attempts[4].respond();
    expect(engine.stats()).toEqual({ live: 0, running: 0, waiting: 0, draining: 0, limit: 2 });
  });

  it('an ended upload whose platform goes on after close() keeps its place until it stops; its outcome does not wait', async () => {
    const { engine, transport } = scriptedEngine();
    engine.configure({ maxConcurrent: 1 });
    const first = watch(engine.uploadFile, uploadOptions({ url: url(0) }));
    const second = watch(engine.uploadFile, uploadOptions({ url: url(1) }));
    await flush();
    let stopped!: () => void;
    transport.attempts[0].stopping = new Promise<void>((resolve) => {
      stopped = resolve;
    });
    first.task.abort();
    await flush();
    expect(kinds(first)).toEqual(['fail', 'complete', 'rejected']);
    expect(started(transport)).toEqual([url(0)]);
    expect(engine.stats()).toEqual({ live: 1, running: 0, waiting: 1, draining: 1, limit: 1 });
    stopped();
    await flush();
    expect(started(transport)).toEqual([url(0), url(1)]);
    expect(engine.stats()).toEqual({ live: 1, running: 1, waiting: 0, draining: 0, limit: 1 });
    // A platform that fails to stop cleanly frees the place too.
    transport.attempts[1].stopping = Promise.reject(new Error('gone'));
    second.task.abort();
    await flush();
    expect(engine.stats()).toEqual({ live: 0, running: 0, waiting: 0, draining: 0, limit: 1 });
  });

  it('delivers the outcomes in the order they happened, also when the next upload ends as it starts', async () => {
    const { engine, transport } = scriptedEngine();
    engine.configure({ maxConcurrent: 1 });
    const order: string[] = [];
    engine.uploadFile(uploadOptions({ complete: () => void order.push('first') }));
    transport.whileStarting = (attempt) => attempt.fail('file not found: /data/b');
    engine.uploadFile(uploadOptions({ complete: () => void order.push('second') }));
    await flush();
    transport.attempts[0].respond();
    await flush();
    expect(order).toEqual(['first', 'second']);
  });

  it('lets 10 run by default; raising the limit starts waiting uploads at once, lowering it stops none', async () => {
    const { engine, transport } = scriptedEngine();
    for (let n = 0; n < 12; n++) watch(engine.uploadFile, uploadOptions({ url: url(n) }));
    expect(engine.stats()).toEqual({ live: 12, running: 10, waiting: 2, draining: 0, limit: 10 });
    engine.configure({ maxConcurrent: 11 });
    expect(engine.stats()).toMatchObject({ running: 11, waiting: 1 });
    await flush();
    expect(transport.attempts).toHaveLength(11);
    engine.configure({ maxConcurrent: 1 });
    expect(transport.closes.every((n) => n === 0)).toBe(true);
    for (const a of transport.attempts.slice(0, 10)) a.respond();
    await flush();
    expect(transport.attempts).toHaveLength(11);
    transport.attempts[10].respond();
    await flush();
    expect(started(transport)).toHaveLength(12);
  });

  it('each engine has its own queue', async () => {
    const a = scriptedEngine();
    const b = scriptedEngine();
    a.engine.configure({ maxConcurrent: 1 });
    watch(a.engine.uploadFile, uploadOptions());
    watch(a.engine.uploadFile, uploadOptions());
    watch(b.engine.uploadFile, uploadOptions());
    await flush();
    expect([a.transport.attempts.length, b.transport.attempts.length]).toEqual([1, 1]);
    expect(b.engine.stats().limit).toBe(10);
  });

  it('configure() refuses a maxConcurrent that is not an integer >= 1, and changes nothing', () => {
    const { engine } = scriptedEngine();
    for (const n of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => engine.configure({ maxConcurrent: n })).toThrow(
        new RangeError(`maxConcurrent should be an integer >= 1, got ${n}`),
      );
    }
    engine.configure({});
    expect(engine.stats().limit).toBe(10);
  });
});

describe('what is left behind', () => {
  it('stats() counts return to zero whatever ended the uploads', async () => {
    const { engine, transport } = scriptedEngine();
    engine.configure({ maxConcurrent: 2 });
    const ok = watch(engine.uploadFile, uploadOptions());
    const timedOut = watch(engine.uploadFile, uploadOptions({ timeout: 100, retry: { count: 1, backoff: 1000 } }));
    const queued = watch(engine.uploadFile, uploadOptions());
    const next = watch(engine.uploadFile, uploadOptions());
    watch(engine.uploadFile, { url: 'https://example.com/upload' });
    expect(engine.stats()).toEqual({ live: 4, running: 2, waiting: 2, draining: 0, limit: 2 });
    await flush();
    transport.attempts[1].fail('offline', true);
    queued.task.abort();
    transport.attempts[0].respond();
    await flush();
    transport.attempts[2].fail('refused');
    vi.advanceTimersByTime(100);
    await flush();
    expect([ok, timedOut, queued, next].map((s) => kinds(s).slice(-1)[0])).toEqual([
      'resolved',
      'rejected',
      'rejected',
      'rejected',
    ]);
    expect(engine.stats()).toEqual({ live: 0, running: 0, waiting: 0, draining: 0, limit: 2 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('at the outcome the listeners and the transport handle are let go, even while the caller keeps the task', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const handles: Array<WeakRef<TransportHandle>> = [];
    const sinks: TransportSink[] = [];
    const transport: Transport<string> = {
      start(_request, sink) {
        const handle = { close: () => undefined };
        handles.push(new WeakRef(handle));
        sinks.push(sink);
        return handle;
      },
    };
    const engine = createUploadEngine<string, UploadFileOptions>(pathRules, transport);
    const listen = (task: UploadTaskPromise): Array<WeakRef<object>> => {
      const progress = (): void => undefined;
      const headers = (): void => undefined;
      task.onProgressUpdate(progress);
      task.onHeadersReceived(headers);
      return [new WeakRef(progress), new WeakRef(headers)];
    };
    const done = engine.uploadFile(uploadOptions());
    const running = engine.uploadFile(uploadOptions());
    await flush();
    const doneRefs = [...listen(done), handles[0]];
    const runningRefs = [...listen(running), handles[1]];
    sinks[0].success(RESPONSE);
    await done;
    const lateRefs = listen(done);
    await flush();
    gc();
    expect([...doneRefs, ...lateRefs].map((r) => r.deref())).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    // The control: what a running upload holds stays.
    expect(runningRefs.every((r) => r.deref() !== undefined)).toBe(true);
    done.abort();
    running.abort();
    await running.catch(() => undefined);
  });

  it('callback-style callers get no unhandled rejection; the promise still rejects for those who await it', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { engine } = scriptedEngine();
      const noop = (): void => undefined;
      const styles: Array<Partial<UploadFileOptions>> = [{ fail: noop }, { complete: noop }, { success: noop }];
      for (const callbacks of styles) {
        engine.uploadFile(uploadOptions(callbacks)).abort();
        engine.uploadFile({ ...callbacks, url: 'not a url' });
      }
      const awaited = engine.uploadFile(uploadOptions({ fail: noop }));
      awaited.abort();
      await expect(awaited).rejects.toEqual({ errMsg: 'uploadFile:fail abort' });
      await flush();
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
