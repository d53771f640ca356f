/**
 * Dispatch of one progress event to 0, 1 and 10 listeners: the library's ListenerRegistry
 * (src/core/registry.ts, behind every onProgressUpdate) against mitt and EventTarget doing the same.
 *
 * - The same event object ({progress, totalBytesSent, totalBytesExpectedToSend}) each time; listeners add
 *   a field to a sink so no call can be optimised away. Each library gets its own listener closures.
 * - mitt: emitter.emit('progress', event), handlers registered with on(); with 0 listeners, none ever was.
 * - EventTarget: dispatchEvent(new CustomEvent('progress', { detail: event })), a new event per dispatch,
 *   which is how EventTarget is used (an Event cannot be re-dispatched while it is being dispatched, and
 *   reusing one is not what user code does); listeners read event.detail.
 * - tinybench, one sample = 1000 dispatches (a single dispatch is below the timer's resolution); each round
 *   runs all nine tasks, the order rotated from round to round; figures are medians of the rounds' means.
 */
import mitt from 'mitt';
import { Bench } from 'tinybench';
import { ListenerRegistry } from '../../src/core/registry';
import type { ProgressUpdate } from '../../src/core/types';
import { gc, spread } from '../lib/ab';
import { median, opsPerSecond, ratio } from '../lib/stats';
import type { Figure, Row } from '../lib/types';

const BATCH = 1000;
const COUNTS = [0, 1, 10] as const;
const TIME_MS = 250;

type Library = 'registry' | 'mitt' | 'EventTarget';
const LIBRARIES: readonly Library[] = ['registry', 'mitt', 'EventTarget'];

const event: ProgressUpdate = { progress: 42, totalBytesSent: 112_742_891, totalBytesExpectedToSend: 268_435_456 };
let sink = 0;

function progressListeners(n: number): Array<(e: ProgressUpdate) => void> {
  return Array.from({ length: n }, (_, k) => (e: ProgressUpdate) => {
    sink += e.progress + k;
  });
}

function dispatcher(library: Library, n: number): () => void {
  switch (library) {
    case 'registry': {
      const registry = new ListenerRegistry<ProgressUpdate>('onProgressUpdate');
      for (const fn of progressListeners(n)) registry.add(fn);
      return () => {
        for (let i = 0; i < BATCH; i++) registry.emit(event);
      };
    }
    case 'mitt': {
      const emitter = mitt<{ progress: ProgressUpdate }>();
      for (const fn of progressListeners(n)) emitter.on('progress', fn);
      return () => {
        for (let i = 0; i < BATCH; i++) emitter.emit('progress', event);
      };
    }
    case 'EventTarget': {
      const target = new EventTarget();
      for (let k = 0; k < n; k++) {
        target.addEventListener('progress', (e: Event) => {
          sink += (e as CustomEvent<ProgressUpdate>).detail.progress + k;
        });
      }
      return () => {
        for (let i = 0; i < BATCH; i++) target.dispatchEvent(new CustomEvent('progress', { detail: event }));
      };
    }
  }
}

const key = (library: Library, n: number): string => `${library}/${n}`;

/** The samples of a task, which every round fills. */
function need(results: Map<string, number[]>, name: string): number[] {
  const samples = results.get(name);
  if (!samples) throw new Error(`no samples for ${name}`);
  return samples;
}

const figure: Figure = {
  name: 'dispatch',
  async run(ctx) {
    const rounds = ctx.runs;
    const tasks = COUNTS.flatMap((n) =>
      LIBRARIES.map((library) => ({ name: key(library, n), fn: dispatcher(library, n) })),
    );
    const results = new Map<string, number[]>(tasks.map((t) => [t.name, []]));
    for (let round = 0; round < rounds; round++) {
      gc();
      const bench = new Bench({ time: TIME_MS, warmupTime: 50 } as ConstructorParameters<typeof Bench>[0]);
      const shift = round % tasks.length;
      for (const t of [...tasks.slice(shift), ...tasks.slice(0, shift)]) bench.add(t.name, t.fn);
      await bench.run();
      for (const task of bench.tasks) {
        const result = task.result as { state: string; throughput?: { mean: number }; period?: number };
        if (result.state !== 'completed' || !result.period)
          throw new Error(`tinybench task ${task.name}: ${result.state}`);
        // dispatches per second: 1000 per call, from the mean time of a call.
        need(results, task.name).push((BATCH * 1000) / result.period);
      }
      ctx.log(
        `dispatch: round ${round + 1}: ${[...results].map(([k, v]) => `${k} ${opsPerSecond(v[v.length - 1])}`).join(', ')}`,
      );
    }
    if (sink === 0) ctx.log('dispatch: (listeners ran)');
    const rows: Row[] = [];
    for (const n of COUNTS) {
      const reg = need(results, key('registry', n));
      const mi = need(results, key('mitt', n));
      const et = need(results, key('EventTarget', n));
      const r = median(reg) / median(mi);
      rows.push({
        figure: `dispatch of one progress event to ${n} listener${n === 1 ? '' : 's'}`,
        measured: opsPerSecond(median(reg)),
        baseline: `mitt ${opsPerSecond(median(mi))}; EventTarget ${opsPerSecond(median(et))}`,
        result: `${ratio(r)} x mitt; ${(median(reg) / median(et)).toFixed(1)} x EventTarget`,
        target: 'no slower than mitt (>= 1.000)',
        pass: r >= 1,
        runs: `${rounds} rounds`,
        note:
          n === 0
            ? `tinybench ${TIME_MS} ms per task per round, a sample = ${BATCH} dispatches of the same event object; EventTarget dispatches a new CustomEvent({detail}) each time. ` +
              `Per-round registry/mitt ratios, 0/1/10 listeners: ${COUNTS.map((c) => spread(need(results, key('registry', c)).map((v, i) => v / need(results, key('mitt', c))[i]))).join('; ')}.`
            : undefined,
      });
    }
    return rows;
  },
};

export default figure;
