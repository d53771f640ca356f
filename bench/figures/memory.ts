/**
 * Memory growth of the process while a 1 GB file is uploaded: the ArkTS adapter against the same upload
 * driven directly on the emulation. Each run is a fresh Node process (memory-child.ts) so that neither
 * variant inherits the other's heap; the runs alternate library / direct. Growth = peak RSS during the
 * upload minus RSS just before it (after a warm-up upload and a forced GC). The server runs in its own
 * process, so its memory is not counted.
 */
import { spawn } from 'node:child_process';
import { ROOT } from '../../scripts/builds';
import { benchFile } from '../lib/files';
import { startServerProcess } from '../lib/server-process';
import { abOrder, bytes, GB, MB, median } from '../lib/stats';
import type { Figure } from '../lib/types';
import type { MemoryRun } from './memory-child';

const SIZE = 1 * GB;
const LIMIT = 10 * MB;

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

const figure: Figure = {
  name: 'memory',
  async run(ctx) {
    const runs = ctx.bigRuns;
    const file = await benchFile('memory-1g.bin', SIZE);
    const server = await startServerProcess();
    const results: Record<'library' | 'direct', MemoryRun[]> = { library: [], direct: [] };
    try {
      for (let i = 0; i < runs; i++) {
        for (const v of abOrder(i, 'library', 'direct')) {
          const r = await runMemoryChild([v, file.realPath, String(file.size), file.sha256, server.uploadUrl]);
          results[v].push(r);
          ctx.log(
            `memory: ${v.padEnd(7)} run ${i + 1}: start ${bytes(r.start)}, peak ${bytes(r.peak)} (+${bytes(r.peak - r.start)}; ` +
              `sampled ${bytes(r.sampledPeak)} in ${r.samples} samples, VmHWM ${r.hwmPeak === undefined ? 'n/a' : bytes(r.hwmPeak)}), ${r.ms.toFixed(0)} ms`,
          );
        }
      }
    } finally {
      await server.close();
      file.remove();
    }
    const growth = (v: 'library' | 'direct'): number => median(results[v].map((r) => r.peak - r.start));
    const lib = growth('library');
    const direct = growth('direct');
    const extra = lib - direct;
    const hwm = results.library.every((r) => r.hwmPeak !== undefined);
    return [
      {
        figure: 'memory growth (RSS) while the ArkTS adapter uploads a 1 GB file',
        measured: `+${bytes(lib)}`,
        baseline: `+${bytes(direct)} (request.agent driven directly)`,
        result: `library - direct: ${extra >= 0 ? '+' : ''}${bytes(extra)}`,
        target: '<= 10 MB more',
        pass: extra <= LIMIT,
        runs: `${runs}+${runs}`,
        note:
          `Each run a fresh Node process (library + emulation), the server in another. Growth = peak RSS during the upload - RSS before it ` +
          `(after a 1 MB warm-up upload and a forced GC); peak = max of 50 ms samples${hwm ? ' and VmHWM (reset via /proc/self/clear_refs before the upload)' : ''}. ` +
          `Start RSS (MB): library ${results.library.map((r) => (r.start / MB).toFixed(0)).join(', ')}; direct ${results.direct.map((r) => (r.start / MB).toFixed(0)).join(', ')}. ` +
          `Growth (MB): library ${results.library.map((r) => ((r.peak - r.start) / MB).toFixed(1)).join(', ')}; direct ${results.direct.map((r) => ((r.peak - r.start) / MB).toFixed(1)).join(', ')}.`,
      },
    ];
  },
};

export default figure;
