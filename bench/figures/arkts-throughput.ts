/**
 * ArkTS adapter throughput over the emulation, on one engine: a 256 MB file uploaded by uploadFile() and by
 * the platform driven directly with what the adapter hands it (lib/arkts.ts: request.agent
 * create/start/completed/remove, or requestInStream then destroy), to the upload server in a process of its
 * own, reading at full speed. Timed from the call to the success callback / to the platform's end of the
 * upload; the sha256 the server computed is checked after every upload.
 *
 * Each variant runs in a process of its own (arkts-worker.ts), their runs alternating A B / B A: in one
 * process, the two variants' runs interfere (JIT state and GC of the shared emulation), which no app would
 * see. PAIRS fresh pairs of processes share the rounds, since a single process has a speed of its own; the
 * 95% interval resamples pairs, then runs.
 */
import { groupedRatioInterval, interval, spread } from '../lib/ab';
import { DIRECT_NAME } from '../lib/arkts';
import type { Engine } from '../lib/arkts';
import { benchFile } from '../lib/files';
import { startServerProcess } from '../lib/server-process';
import { MB, mbps, median, ms, ratio } from '../lib/stats';
import type { BenchContext, Figure, Row } from '../lib/types';
import { alternateWorkers } from '../lib/worker';
import type { WorkerRuns } from '../lib/worker';

const SIZE = 256 * MB;
const TARGET = 0.97;
const PAIRS = 6;

/** The figure on one engine: `arkts-throughput` (request.agent), `http-throughput` (@ohos.net.http). */
export function throughputFigure(engine: Engine): Figure {
  const name = engine === 'agent' ? 'arkts-throughput' : `${engine}-throughput`;
  return { name, run: (ctx) => measure(ctx, engine, name) };
}

async function measure(ctx: BenchContext, engine: Engine, figureName: string): Promise<Row[]> {
  const perPair = ctx.runs * 2;
  const rounds = PAIRS * perPair;
  const file = await benchFile('arkts-256m.bin', SIZE);
  const server = await startServerProcess();
  let runs: WorkerRuns;
  try {
    runs = await alternateWorkers({
      label: figureName,
      pairs: PAIRS,
      rounds: perPair,
      job: { kind: 'one' },
      files: [file],
      uploadUrl: server.uploadUrl,
      engine,
      log: ctx.log,
    });
  } finally {
    await server.close();
    file.remove();
  }
  const { ab, cpu } = runs;
  const lib = mbps(SIZE, median(ab.a));
  const base = mbps(SIZE, median(ab.b));
  const r = lib / base;
  return [
    {
      figure:
        engine === 'agent'
          ? 'ArkTS adapter over the emulation: 256 MB file (throughput)'
          : 'ArkTS adapter on @ohos.net.http: 256 MB file (throughput)',
      measured: `${lib.toFixed(0)} MB/s`,
      baseline: `${base.toFixed(0)} MB/s (${DIRECT_NAME[engine]})`,
      result: `${ratio(r)} (${interval(groupedRatioInterval(ab.b, ab.a, ab.groups))})`,
      target: `>= ${TARGET}`,
      pass: r >= TARGET,
      runs: `${rounds}+${rounds}`,
      note:
        `Each variant in a Node process of its own (library or direct + the emulation), runs alternating, over ${PAIRS} fresh pairs of processes ` +
        `x ${perPair} rounds (2x --runs each; the runs are short and noisy on 2 shared cores, and a process has a speed of its own); the upload ` +
        `server in a third process; loopback; ${engine === 'agent' ? 'progress interval 1000 ms (device default)' : 'progress per send buffer, unthrottled, as the platform gives it'}; sha256 checked on every upload. ` +
        `Per-round time ratios direct/library: ${spread(ab.b.map((b, i) => b / ab.a[i]))}. CPU time of the uploading process per upload (median): library ${ms(median(cpu.library))}, direct ${ms(median(cpu.direct))}, ratio ` +
        `${ratio(median(cpu.library) / median(cpu.direct))} (${interval(groupedRatioInterval(cpu.library, cpu.direct, ab.groups))}).`,
    },
  ];
}

export default throughputFigure('agent');
