/**
 * Runs one upload scenario against a target's uploadFile and records what a user would see, in order.
 * Platform-free: the same code runs in Node (ArkTS target over the emulation) and, bundled, inside the
 * Chromium page (page path and bridge), so every target is driven identically.
 */
import type {
  ProgressUpdate,
  UploadFileFailResult,
  UploadFileOptions,
  UploadFileSuccessResult,
  UploadTaskPromise,
} from '../../src/core/types';

export type RecordedEvent =
  | { kind: 'progress'; progress: number; sent: number; expected: number; listener?: string }
  | { kind: 'headers'; header: Record<string, string>; listener?: string }
  | { kind: 'success'; result: UploadFileSuccessResult }
  | { kind: 'fail'; result: UploadFileFailResult }
  | { kind: 'complete'; result: UploadFileSuccessResult | UploadFileFailResult }
  | { kind: 'resolved'; result: UploadFileSuccessResult }
  | { kind: 'rejected'; result: UploadFileFailResult }
  | { kind: 'returned' }
  | { kind: 'aborted'; when: string };

export type AbortPlan =
  | 'sync'
  | 'firstProgress'
  | 'headers'
  | 'afterOutcome'
  | { afterMs: number }
  | { atPercent: number };

export type ListenerPlan =
  /** one progress and one headers listener */
  | 'standard'
  /** the same listener function registered twice */
  | 'duplicate'
  /** two listeners; the second is removed with off(fn) before the upload starts */
  | 'offOne'
  /** two listeners; off() without argument removes both */
  | 'offAll'
  /** the first listener throws on every event; the second must still run */
  | 'throwing'
  /** the first listener removes the second and adds a third during the first dispatch */
  | 'mutateDuringDispatch'
  /** listeners are added only after the outcome */
  | 'afterOutcome'
  /** no listeners at all */
  | 'none';

export interface Scenario {
  /** A valid options object without callbacks; `filePath` already resolved by the target. */
  options: Omit<UploadFileOptions<unknown>, 'success' | 'fail' | 'complete'>;
  /** Replace the options by a broken variant (see BAD_OPTIONS). */
  bad?: keyof typeof BAD_OPTIONS;
  abort?: AbortPlan;
  /** Call abort() a second time right after the first. */
  abortTwice?: boolean;
  listeners?: ListenerPlan;
  /** Pass success/fail/complete callbacks (default true). */
  callbacks?: boolean;
  /** After the outcome, keep recording for this long to catch late events (default 150 ms). */
  settleMs?: number;
  /** Give up waiting for an outcome after this long (a hang is a failure, not a timeout of the test). */
  hangMs?: number;
}

export interface Recording {
  events: RecordedEvent[];
  /** Listener exceptions the library reported through console.error, when observable. */
  outcome: 'success' | 'fail' | 'hang';
  /** Milliseconds from the call to the outcome callback. */
  elapsedMs: number;
}

/** Broken options, built from a valid base so that exactly one thing is wrong. */
export const BAD_OPTIONS = {
  optionsUndefined: (): unknown => undefined,
  optionsString: (): unknown => 'https://example.com',
  optionsArray: (): unknown => [],
  urlMissing: (o: Record<string, unknown>): unknown => ({ ...o, url: undefined }),
  urlNumber: (o: Record<string, unknown>): unknown => ({ ...o, url: 42 }),
  urlFtp: (o: Record<string, unknown>): unknown => ({ ...o, url: 'ftp://127.0.0.1/upload' }),
  urlRelative: (o: Record<string, unknown>): unknown => ({ ...o, url: '/upload' }),
  urlSpace: (o: Record<string, unknown>): unknown => ({ ...o, url: 'http://127.0.0.1/up load' }),
  filePathMissing: (o: Record<string, unknown>): unknown => ({ ...o, filePath: undefined }),
  filePathNumber: (o: Record<string, unknown>): unknown => ({ ...o, filePath: 7 }),
  nameMissing: (o: Record<string, unknown>): unknown => ({ ...o, name: undefined }),
  nameEmpty: (o: Record<string, unknown>): unknown => ({ ...o, name: '' }),
  headerString: (o: Record<string, unknown>): unknown => ({ ...o, header: 'X-A: 1' }),
  headerCrlfValue: (o: Record<string, unknown>): unknown => ({ ...o, header: { 'X-A': 'a\r\nX-Injected: 1' } }),
  headerCrlfName: (o: Record<string, unknown>): unknown => ({ ...o, header: { 'X-A\r\nX-B': '1' } }),
  headerBadName: (o: Record<string, unknown>): unknown => ({ ...o, header: { 'X A': '1' } }),
  formDataArray: (o: Record<string, unknown>): unknown => ({ ...o, formData: ['a'] }),
  timeoutString: (o: Record<string, unknown>): unknown => ({ ...o, timeout: '1000' }),
  timeoutNegative: (o: Record<string, unknown>): unknown => ({ ...o, timeout: -1 }),
  fileNameNumber: (o: Record<string, unknown>): unknown => ({ ...o, fileName: 3 }),
  withCredentialsString: (o: Record<string, unknown>): unknown => ({ ...o, withCredentials: 'true' }),
  successNotFunction: (o: Record<string, unknown>): unknown => ({ ...o, success: 'yes' }),
  urlGetterThrows: (o: Record<string, unknown>): unknown =>
    Object.defineProperty({ ...o }, 'url', {
      enumerable: true,
      get() {
        throw new Error('no url today');
      },
    }),
};

type UploadFn = (options: never) => UploadTaskPromise;

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs the scenarios one after another: each starts once the one before has settled. */
export async function inSequence(
  scenarios: readonly Scenario[],
  run: (scenario: Scenario) => Promise<Recording>,
): Promise<Recording[]> {
  const recordings: Recording[] = [];
  for (const scenario of scenarios) recordings.push(await run(scenario));
  return recordings;
}

export async function runScenario(uploadFile: UploadFn, scenario: Scenario): Promise<Recording> {
  const events: RecordedEvent[] = [];
  const started = now();
  let outcomeAt = 0;
  let outcome: Recording['outcome'] = 'hang';
  let done!: () => void;
  const finished = new Promise<void>((r) => {
    done = r;
  });
  const useCallbacks = scenario.callbacks !== false;
  let task: UploadTaskPromise | undefined;
  const abort = (when: string): void => {
    events.push({ kind: 'aborted', when });
    task?.abort();
    if (scenario.abortTwice) task?.abort();
  };

  const base: Record<string, unknown> = { ...scenario.options };
  const built = scenario.bad ? BAD_OPTIONS[scenario.bad](base) : base;
  const options = built as Record<string, unknown> | undefined;
  if (useCallbacks && typeof options === 'object' && options !== null && !Array.isArray(options)) {
    const keepSuccess = scenario.bad === 'successNotFunction';
    if (!keepSuccess) {
      options.success = (result: UploadFileSuccessResult) => {
        events.push({ kind: 'success', result });
        outcome = 'success';
      };
    }
    options.fail = (result: UploadFileFailResult) => {
      events.push({ kind: 'fail', result });
      outcome = 'fail';
    };
    options.complete = (result: UploadFileSuccessResult | UploadFileFailResult) => {
      events.push({ kind: 'complete', result });
      outcomeAt = now();
    };
  }

  task = uploadFile(options as never);
  events.push({ kind: 'returned' });

  const progressListener =
    (listener: string) =>
    (u: ProgressUpdate): void => {
      events.push({
        kind: 'progress',
        progress: u.progress,
        sent: u.totalBytesSent,
        expected: u.totalBytesExpectedToSend,
        listener,
      });
      const plan = scenario.abort;
      if (plan === 'firstProgress' && listener === 'p1') abort('firstProgress');
      if (typeof plan === 'object' && 'atPercent' in plan && listener === 'p1' && u.progress >= plan.atPercent)
        abort(`atPercent ${plan.atPercent}`);
    };
  const headersListener =
    (listener: string) =>
    (h: { header: Record<string, string> }): void => {
      events.push({ kind: 'headers', header: h.header, listener });
      if (scenario.abort === 'headers' && listener === 'h1') abort('headers');
    };

  const plan = scenario.listeners ?? 'standard';
  const p1 = progressListener('p1');
  const p2 = progressListener('p2');
  const h1 = headersListener('h1');
  const h2 = headersListener('h2');
  switch (plan) {
    case 'standard':
      task.onProgressUpdate(p1);
      task.onHeadersReceived(h1);
      break;
    case 'duplicate':
      task.onProgressUpdate(p1);
      task.onProgressUpdate(p1);
      task.onHeadersReceived(h1);
      task.onHeadersReceived(h1);
      break;
    case 'offOne':
      task.onProgressUpdate(p1);
      task.onProgressUpdate(p2);
      task.offProgressUpdate(p2);
      task.onHeadersReceived(h1);
      task.onHeadersReceived(h2);
      task.offHeadersReceived(h2);
      break;
    case 'offAll':
      task.onProgressUpdate(p1);
      task.onProgressUpdate(p2);
      task.offProgressUpdate();
      task.onHeadersReceived(h1);
      task.onHeadersReceived(h2);
      task.offHeadersReceived();
      break;
    case 'throwing': {
      const thrower = (): void => {
        throw new Error('listener failure (expected by the test)');
      };
      task.onProgressUpdate(thrower);
      task.onProgressUpdate(p1);
      task.onHeadersReceived(thrower);
      task.onHeadersReceived(h1);
      break;
    }
    case 'mutateDuringDispatch': {
      const p3 = progressListener('p3');
      let mutated = false;
      const first = (u: ProgressUpdate): void => {
        p1(u);
        if (!mutated) {
          mutated = true;
          task?.offProgressUpdate(p2);
          task?.onProgressUpdate(p3);
        }
      };
      task.onProgressUpdate(first);
      task.onProgressUpdate(p2);
      task.onHeadersReceived(h1);
      break;
    }
    case 'afterOutcome':
    case 'none':
      break;
  }

  if (scenario.abort === 'sync') abort('sync');
  const abortPlan = scenario.abort;
  if (typeof abortPlan === 'object' && 'afterMs' in abortPlan)
    setTimeout(() => abort(`afterMs ${abortPlan.afterMs}`), abortPlan.afterMs);

  task.then(
    (result) => {
      events.push({ kind: 'resolved', result });
      if (!useCallbacks) {
        outcome = 'success';
        outcomeAt = now();
      }
      done();
    },
    (result: UploadFileFailResult) => {
      events.push({ kind: 'rejected', result });
      if (!useCallbacks) {
        outcome = 'fail';
        outcomeAt = now();
      }
      done();
    },
  );

  const hangMs = scenario.hangMs ?? 20000;
  await Promise.race([finished, sleep(hangMs)]);
  if (plan === 'afterOutcome') {
    task.onProgressUpdate(p1);
    task.onHeadersReceived(h1);
  }
  if (scenario.abort === 'afterOutcome') abort('afterOutcome');
  await sleep(scenario.settleMs ?? 150);
  return { events, outcome, elapsedMs: (outcomeAt || now()) - started };
}
