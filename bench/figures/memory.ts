/**
 * Memory growth of the process while a 1 GB file is uploaded: the ArkTS adapter against the same upload
 * driven directly on the emulation, on one engine (`memory`: request.agent; `http-memory`:
 * @ohos.net.http). Each run is a fresh Node process (memory-child.ts) so that neither variant inherits the
 * other's heap; the runs alternate library / direct. Growth = peak RSS during the upload minus RSS just
 * before it (after a warm-up upload and a forced GC). The server runs in its own process, so its memory is
 * not counted. On @ohos.net.http the same runs count the progress events that reach the listener (the
 * platform's dataSendProgress, unthrottled, against the library's), and one control run uploads with
 * remoteFileName, which makes the platform read the file into memory.
 */
import { spawn } from 'node:child_process';
import { ROOT } from '../../scripts/builds';
import { benchFile } from '../lib/files';
import { startServerProcess } from '../lib/server-process';
import { DIRECT_NAME } from '../lib/arkts';
import type { Engine } from '../lib/arkts';
import { abOrder, bytes, GB, MB, median } from '../lib/stats';
import type { BenchContext, Figure, Row } from '../lib/types';
import type { MemoryRun } from './memory-child';

const SIZE = 1 * GB;
const LIMIT = 10 * MB;
/** Integer percents 0-99 and the final 100, and a few to spare. */
const EVENTS_LIMIT = 105;

/** One run of memory-child.ts with these arguments, in a fresh process (memory-media.ts uses it too). */
export function runMemoryChild(args: string[]): Promise<MemoryRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--import', './emulator/node-register.mjs', 'bench/figures/memory-child.ts', ...args],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`memory child (${args[0]}) exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as MemoryRun);
      } catch {
        reject(new Error(`memory child (${args[0]}) printed no result: ${out}`));
      }
    });
  });
}

/** The figure on one engine: `memory` (request.agent), `http-memory` (@ohos.net.http). */
export function memoryFigure(engine: Engine): Figure {
  const name = engine === 'agent' ? 'memory' : `${engine}-memory`;
  return { name, run: (ctx) => measure(ctx, engine, name) };
}

async function measure(ctx: BenchContext, engine: Engine, figureName: string): Promise<Row[]> {
  const runs = ctx.bigRuns;
  const file = await benchFile('memory-1g.bin', SIZE);
  const server = await startServerProcess();
  const results: Record<'library' | 'direct' | 'direct-remote', MemoryRun[]> = {
    library: [],
    direct: [],
    'direct-remote': [],
  };
  const run = async (v: keyof typeof results, i: number): Promise<void> => {
    const r = await runMemoryChild([v, engine, file.realPath, String(file.size), file.sha256, server.uploadUrl]);
    results[v].push(r);
    ctx.log(
      `${figureName}: ${v.padEnd(7)} run ${i + 1}: start ${bytes(r.start)}, peak ${bytes(r.peak)} (+${bytes(r.peak - r.start)}; ` +
        `sampled ${bytes(r.sampledPeak)} in ${r.samples} samples, VmHWM ${r.hwmPeak === undefined ? 'n/a' : bytes(r.hwmPeak)}), ` +
        `${r.ms.toFixed(0)} ms, ${r.progressEvents} progress events`,
    );
  };
  try {
    for (let i = 0; i < runs; i++) for (const v of abOrder(i, 'library', 'direct')) await run(v, i);
    if (engine === 'http') await run('direct-remote', 0);
  } finally {
    await server.close();
    file.remove();
  }
  const growth = (v: keyof typeof results): number => median(results[v].map((r) => r.peak - r.start));
  const lib = growth('library');
  const direct = growth('direct');
  const extra = lib - direct;
  const hwm = results.library.every((r) => r.hwmPeak !== undefined);
  const rows: Row[] = [
    {
      figure:
        engine === 'agent'
          ? 'memory growth (RSS) while the ArkTS adapter uploads a 1 GB file'
          : 'memory growth (RSS) while the ArkTS adapter on @ohos.net.http uploads a 1 GB file',
      measured: `+${bytes(lib)}`,
      baseline: `+${bytes(direct)} (${DIRECT_NAME[engine]})`,
      result: `library - direct: ${extra >= 0 ? '+' : ''}${bytes(extra)}`,
      target: '<= 10 MB more',
      pass: extra <= LIMIT,
      runs: `${runs}+${runs}`,
      note:
        `Each run a fresh Node process (library + emulation), the server in another. Growth = peak RSS during the upload - RSS before it ` +
        `(after a 1 MB warm-up upload and a forced GC); peak = max of 50 ms samples${hwm ? ' and VmHWM (reset via /proc/self/clear_refs before the upload)' : ''}. ` +
        `Start RSS (MB): library ${results.library.map((r) => (r.start / MB).toFixed(0)).join(', ')}; direct ${results.direct.map((r) => (r.start / MB).toFixed(0)).join(', ')}. ` +
        `Growth (MB): library ${results.library.map((r) => ((r.peak - r.start) / MB).toFixed(1)).join(', ')}; direct ${results.direct.map((r) => ((r.peak - r.start) / MB).toFixed(1)).join(', ')}.` +
        (engine === 'http'
          ? ` Control, requestInStream with remoteFileName set (OpenHarmony 5.0.0 to 7.0-Beta1 read the file whole, which the emulation reproduces; the library never sets it): +${bytes(growth('direct-remote'))}.`
          : ''),
    },
  ];
  if (engine === 'http') {
    const events = (v: keyof typeof results): number => median(results[v].map((r) => r.progressEvents));
    const libEvents = events('library');
    rows.push({
      figure: 'progress events reaching the listener per 1 GB upload (@ohos.net.http)',
      measured: `${libEvents}`,
      baseline: `${events('direct')} (dataSendProgress, ${DIRECT_NAME[engine]})`,
      result: `${(events('direct') / Math.max(1, libEvents)).toFixed(0)}x fewer`,
      target: `<= ${EVENTS_LIMIT}`,
      pass: Math.max(...results.library.map((r) => r.progressEvents)) <= EVENTS_LIMIT,
      runs: `${runs}+${runs}`,
      note:
        'The same runs as the memory row. The platform posts one dataSendProgress per send buffer (64 KiB), unthrottled; the library turns ' +
        `them into one event per integer percent of the file, the 100 last. Per run: library ${results.library.map((r) => r.progressEvents).join(', ')}; ` +
        `direct ${results.direct.map((r) => r.progressEvents).join(', ')}.`,
    });
  }
  return rows;
}

export default memoryFigure('agent');
