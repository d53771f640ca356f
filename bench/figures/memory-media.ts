/**
 * Memory growth of the process while the ArkTS adapter uploads a 1 GB user file (a file://media/ URI, as
 * the pickers give) against the same bytes as a sandbox path in cacheDir, on each @ohos.request engine:
 * request.agent takes the URI itself; request.uploadFile gets a copy in cacheDir, made with fileIo.copyFile
 * from the file's descriptor, never through JS memory. Each run is a fresh Node process (memory-child.ts);
 * the runs alternate media / sandbox. Growth = peak RSS during the upload (the copy included) minus RSS
 * just before it, after a warm-up upload of the same kind and a forced GC. The server runs in its own process.
 */
import { benchFile } from '../lib/files';
import { startServerProcess } from '../lib/server-process';
import { abOrder, bytes, GB, MB, median } from '../lib/stats';
import type { Figure, Row } from '../lib/types';
import { runMemoryChild } from './memory';
import type { MemoryRun } from './memory-child';

const SIZE = 1 * GB;
/**
 * What a media URI may add: the emulated copy's one reused 1 MB buffer (emulator/ohos.file.fs copyFile; on a
 * device the copy is sendfile, outside the app's memory), and noise. The same upload twice differs by several
 * MB from one fresh process to the next (the note prints the spread).
 */
const LIMIT = 2 * MB;
const BACKENDS = ['agent', 'uploadFile', 'http'] as const;

const mb = (runs: MemoryRun[]): string => runs.map((r) => ((r.peak - r.start) / MB).toFixed(1)).join(', ');

const figure: Figure = {
  name: 'memory-media',
  async run(ctx) {
    const runs = ctx.bigRuns;
    const file = await benchFile('memory-media-1g.bin', SIZE);
    const server = await startServerProcess();
    const rows: Row[] = [];
    try {
      for (const backend of BACKENDS) {
        const results: Record<'media' | 'library', MemoryRun[]> = { media: [], library: [] };
        for (let i = 0; i < runs; i++) {
          for (const v of abOrder(i, 'media', 'library')) {
            const variant = v === 'media' ? 'media' : 'library';
            const r = await runMemoryChild([
              variant,
              backend,
              file.realPath,
              String(file.size),
              file.sha256,
              server.uploadUrl,
            ]);
            results[v].push(r);
            ctx.log(
              `memory-media: ${backend} ${v === 'media' ? 'media URI   ' : 'sandbox path'} run ${i + 1}: start ${bytes(r.start)}, ` +
                `peak ${bytes(r.peak)} (+${bytes(r.peak - r.start)}), ${r.ms.toFixed(0)} ms`,
            );
          }
        }
        const growth = (v: 'media' | 'library'): number => median(results[v].map((r) => r.peak - r.start));
        const media = growth('media');
        const sandbox = growth('library');
        const extra = media - sandbox;
        const spread = (v: 'media' | 'library'): string => {
          const g = results[v].map((r) => r.peak - r.start);
          return ((Math.max(...g) - Math.min(...g)) / MB).toFixed(1);
        };
        rows.push({
          figure: `memory growth (RSS) while a 1 GB media URI uploads (request.${backend})`,
          measured: `+${bytes(media)}`,
          baseline: `+${bytes(sandbox)} (the same bytes as a sandbox path)`,
          result: `media - sandbox: ${extra >= 0 ? '+' : ''}${bytes(extra)}`,
          target: '<= sandbox path + 2 MB',
          pass: extra <= LIMIT,
          runs: `${runs}+${runs}`,
          note:
            `request.${backend}: ${backend === 'agent' ? 'the URI goes to request.agent as FileSpec.path' : 'a copy in cacheDir by fileIo.copyFile(fd), then the upload'}; ` +
            `Growth (MB): media ${mb(results.media)}; sandbox ${mb(results.library)} (spread ${spread('media')} and ${spread('library')} MB). ` +
            'Fresh process per run, as in the memory figure.',
        });
      }
    } finally {
      await server.close();
      file.remove();
    }
    return rows;
  },
};

export default figure;
