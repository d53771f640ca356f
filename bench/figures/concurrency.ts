/**
 * 100 uploads at once, at most 10 running (the library's default cap), of 100 distinct 1 MB files: the
 * library (100 uploadFile() calls, Promise.all) against the emulation driven directly by a simple pool of
 * 10 workers (create, start, 'completed', remove; the remove is not awaited before the next upload, as
 * the library does not). Total wall time to the last outcome; sha256 of every file checked afterwards.
 * Each variant in a long-lived process of its own (arkts-worker.ts), runs alternating; the upload server
 * in a third process.
 */
import { groupedRatioInterval, interval, spread } from '../lib/ab';
import { benchFile } from '../lib/files';
import type { BenchFile } from '../lib/files';
import { startServerProcess } from '../lib/server-process';
import { MB, median, ms, ratio } from '../lib/stats';
import type { Figure } from '../lib/types';
import { alternateWorkers } from '../lib/worker';
import type { WorkerRuns } from '../lib/worker';

const COUNT = 100;
const CAP = 10;
const SIZE = 1 * MB;
const TARGET = 1.1;
/** Fresh pairs of processes (library, direct) sharing the rounds; see arkts-throughput.ts. */
const PAIRS = 5;

const figure: Figure = {
  name: 'concurrency',
  async run(ctx) {
    const perPair = ctx.runs * 2;
    const rounds = PAIRS * perPair;
    const files: BenchFile[] = [];
    for (let i = 0; i < COUNT; i++) files.push(await benchFile(`many/${i}.bin`, SIZE));
    const server = await startServerProcess();
    let runs: WorkerRuns;
    try {
      runs = await alternateWorkers({
        label: 'concurrency',
        pairs: PAIRS,
        rounds: perPair,
        job: { kind: 'many', cap: CAP },
        files,
        uploadUrl: server.uploadUrl,
        log: ctx.log,
      });
    } finally {
      await server.close();
      for (const f of files) f.remove();
    }
    const { ab, cpu } = runs;
    const lib = median(ab.a);
    const base = median(ab.b);
    const r = lib / base;
    return [
      {
        figure: '100 uploads at once (cap 10) of 1 MB files (total time)',
        measured: ms(lib),
        baseline: `${ms(base)} (request.agent, pool of 10)`,
        result: `${ratio(r)} (${interval(groupedRatioInterval(ab.a, ab.b, ab.groups))})`,
        target: `<= ${TARGET}`,
        pass: r <= TARGET,
        runs: `${rounds}+${rounds}`,
        note:
          `100 distinct 1 MB files; library: 100 uploadFile() calls at once with configure({maxConcurrent: 10}); baseline: 10 workers each running ` +
          `create/start/'completed'/remove in turn. Each variant in a process of its own, runs alternating, over ${PAIRS} fresh pairs of processes x ` +
          `${perPair} rounds (2x --runs each); server in a third process; sha256 of all 100 checked after each run. Per-round time ratios library/direct: ${spread(ab.pairs)}. ` +
          `CPU time of the uploading process per run (median): library ${ms(median(cpu.library))}, direct ${ms(median(cpu.direct))}, ratio ` +
          `${ratio(median(cpu.library) / median(cpu.direct))} (${interval(groupedRatioInterval(cpu.library, cpu.direct, ab.groups))}).`,
      },
    ];
  },
};

export default figure;
