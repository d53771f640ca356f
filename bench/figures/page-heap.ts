/**
 * Page path: JS memory while a 256 MB Blob is uploaded. Read over CDP (Runtime.getHeapUsage: V8's used
 * heap + the embedder's heap + the backing stores of ArrayBuffers and external strings, which is where a
 * file read into JS would land) after a forced GC (HeapProfiler.collectGarbage), then sampled every 20 ms
 * while the upload runs; the figure is the peak minus the level before. The baseline is the level before
 * the upload, and the same measurement around a hand-written XHR + FormData upload of the same Blob.
 * A control shows what a read looks like in the same measure: blob.arrayBuffer() of the same Blob.
 */
import { basename, dirname } from 'node:path';
import type { Variant } from '../page/bench-entry';
import { benchFile } from '../lib/files';
import { BenchPage } from '../lib/page';
import { startServerProcess } from '../lib/server-process';
import { abOrder, bytes, median, sleep } from '../lib/stats';
import { builds as sharedBuilds } from '../lib/builds';
import type { Figure } from '../lib/types';
import { checkSummary, SIZE } from './page-throughput';

const SAMPLE_MS = 20;
/** Growth allowed: 1% of the file. A read of the file into JS, whole or copied, shows as about 100%. */
const LIMIT = SIZE / 100;

interface HeapRun {
  before: number;
  peak: number;
  samples: number;
}

async function settledGc(page: BenchPage): Promise<number> {
  await page.collectGarbage();
  await sleep(50);
  await page.collectGarbage();
  return (await page.heap()).all;
}

const figure: Figure = {
  name: 'page-heap',
  async run(ctx) {
    const builds = await sharedBuilds();
    const big = await benchFile('page-heap-256m.bin', SIZE);
    const server = await startServerProcess({ staticDir: dirname(big.realPath) });
    const page = await BenchPage.open(builds.hybridIife);
    const runs: Record<Variant, HeapRun[]> = { library: [], raw: [] };
    let control = 0;
    try {
      await page.load('big', `${server.origin}/${basename(big.realPath)}`);
      for (const v of ['library', 'raw'] as const)
        checkSummary((await page.upload(v, 'big', `${server.uploadUrl}?id=warm-${v}`)).data, big, v);
      for (let i = 0; i < ctx.runs; i++) {
        for (const v of abOrder(i, 'library', 'raw')) {
          const before = await settledGc(page);
          const id = await page.start(v, 'big', `${server.uploadUrl}?id=heap-${v}-${i}`);
          let done = false;
          const settled = page.settled(id).finally(() => (done = true));
          let peak = before;
          let samples = 0;
          while (!done) {
            peak = Math.max(peak, (await page.heap()).all);
            samples++;
            await sleep(SAMPLE_MS);
          }
          const result = await settled;
          if ('failed' in result) throw new Error(`${v} upload failed: ${result.failed}`);
          checkSummary(result.data, big, v);
          runs[v].push({ before, peak, samples });
          ctx.log(
            `page-heap: ${v} run ${i + 1}: before ${bytes(before, 2)}, peak ${bytes(peak, 2)} (+${bytes(peak - before, 2)}), ${samples} samples`,
          );
        }
      }
      const before = await settledGc(page);
      await page.readWhole('big');
      control = (await page.heap()).all - before;
      await page.release();
      ctx.log(`page-heap: control, blob.arrayBuffer(): +${bytes(control, 1)}`);
    } finally {
      await page.close();
      await server.close();
      big.remove();
    }
    const growth = (v: Variant): number => median(runs[v].map((r) => r.peak - r.before));
    const before = median(runs.library.map((r) => r.before));
    const lib = growth('library');
    const samples = median(runs.library.map((r) => r.samples));
    return [
      {
        figure: 'page path: JS heap while uploading a 256 MB Blob (peak growth)',
        measured: `+${bytes(lib, 1)}`,
        baseline: `${bytes(before, 2)} before; raw XHR +${bytes(growth('raw'), 1)}`,
        result: `${((lib / SIZE) * 100).toFixed(3)}% of the file`,
        target: `never read into the heap (< 1% of the file)`,
        pass: lib < LIMIT,
        runs: `${ctx.runs}+${ctx.runs}`,
        note:
          `CDP Runtime.getHeapUsage: V8 used heap + embedder heap + ArrayBuffer/external-string backing stores, after HeapProfiler.collectGarbage, ` +
          `then sampled every ${SAMPLE_MS} ms during the upload (median ${samples} samples per upload). The Blob comes from fetch().blob(): its bytes ` +
          `are in Chromium's blob storage, outside JS memory. Control in the same measure: reading the Blob with arrayBuffer() adds ${bytes(control, 1)}.`,
      },
    ];
  },
};

export default figure;
