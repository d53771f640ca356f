/**
 * Page path: JS memory while a 256 MB Blob is uploaded. Read over CDP (Runtime.getHeapUsage: V8's used
 * heap + the embedder's heap + the backing stores of ArrayBuffers and external strings, which is where a
 * file read into JS would land) after a forced GC (HeapProfiler.collectGarbage), then sampled every 20 ms
 * while the upload runs; the figure is the peak minus the level before. The baseline is the level before
 * the upload, and the same measurement around a hand-written XHR + FormData upload of the same Blob.
 * A control shows what a read looks like in the same measure: blob.arrayBuffer() of the same Blob. A
 * second row: the same upload from a blob: URL of that Blob, made by the page after the library loaded.
 */
import { basename, dirname } from 'node:path';
import type { Variant } from '../page/bench-entry';
import { benchFile } from '../lib/files';
import { BenchPage } from '../lib/page';
import { startServerProcess } from '../lib/server-process';
import { abOrder, bytes, median, sleep } from '../lib/stats';
import { builds as sharedBuilds } from '../lib/builds';
import type { Figure, Row } from '../lib/types';
import { checkSummary, SIZE } from './page-throughput';

const SAMPLE_MS = 20;
/** Growth allowed: 1% of the file. A read of the file into JS, whole or copied, shows as about 100%. */
const LIMIT = SIZE / 100;

interface HeapRun {
  before: number;
  peak: number;
  samples: number;
}

/** What is uploaded, and how: the library or raw XHR of the Blob, the library given a blob: URL of it. */
const CASES = {
  library: { variant: 'library', key: 'big' },
  raw: { variant: 'raw', key: 'big' },
  blobUrl: { variant: 'library', key: 'big-url' },
} as const satisfies Record<string, { variant: Variant; key: string }>;
type Case = keyof typeof CASES;

async function settledGc(page: BenchPage): Promise<number> {
  await page.collectGarbage();
  await sleep(50);
  await page.collectGarbage();
  return (await page.heap()).all;
}

function blobUrlRow(url: number, before: number, blob: number, runs: number): Row {
  return {
    figure: 'page path: JS heap while uploading a blob: URL of that Blob (peak growth)',
    measured: `+${bytes(url, 1)}`,
    baseline: `${bytes(before, 2)} before; the Blob itself +${bytes(blob, 1)}`,
    result: `${((url / SIZE) * 100).toFixed(3)}% of the file`,
    target: `never read into the heap (< 1% of the file)`,
    pass: url < LIMIT,
    runs: `${runs}`,
    note: `The same measure; the URL is made by the page after the library loaded, in the same rounds (after the two above).`,
  };
}

const figure: Figure = {
  name: 'page-heap',
  async run(ctx) {
    const builds = await sharedBuilds();
    const big = await benchFile('page-heap-256m.bin', SIZE);
    const server = await startServerProcess({ staticDir: dirname(big.realPath) });
    const page = await BenchPage.open(builds.hybridIife);
    const runs: Record<Case, HeapRun[]> = { library: [], raw: [], blobUrl: [] };
    let control = 0;
    try {
      await page.load('big', `${server.origin}/${basename(big.realPath)}`);
      await page.blobUrl('big', 'big-url', 'page');
      for (const c of Object.keys(CASES) as Case[])
        checkSummary(
          (await page.upload(CASES[c].variant, CASES[c].key, `${server.uploadUrl}?id=warm-${c}`)).data,
          big,
          c,
        );
      for (let i = 0; i < ctx.runs; i++) {
        // The blob: URL case last in every round: library and raw alternate as before.
        for (const c of [...abOrder<Case>(i, 'library', 'raw'), 'blobUrl' as const]) {
          const { variant, key } = CASES[c];
          const before = await settledGc(page);
          const id = await page.start(variant, key, `${server.uploadUrl}?id=heap-${c}-${i}`);
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
          if ('failed' in result) throw new Error(`${c} upload failed: ${result.failed}`);
          checkSummary(result.data, big, c);
          runs[c].push({ before, peak, samples });
          ctx.log(
            `page-heap: ${c} run ${i + 1}: before ${bytes(before, 2)}, peak ${bytes(peak, 2)} (+${bytes(peak - before, 2)}), ${samples} samples`,
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
    const growth = (c: Case): number => median(runs[c].map((r) => r.peak - r.before));
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
      blobUrlRow(growth('blobUrl'), before, lib, ctx.runs),
    ];
  },
};

export default figure;
