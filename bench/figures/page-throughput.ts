/**
 * Page path throughput: a 256 MB Blob uploaded from the page in real Chromium, by the library (hybrid IIFE,
 * uploadFile with a Blob) and by the baseline, a hand-written XMLHttpRequest + FormData of the same Blob.
 * Both ask for upload progress (a listener on each), both go cross-origin to the local upload server (a
 * process of its own), which reads at full speed and computes the sha256 of every upload, checked here.
 * Runs alternate A B / B A; the 95% interval is a bootstrap of the two medians.
 */
import { basename, dirname } from 'node:path';
import type { UploadSummary } from '../../server/types';
import type { Variant } from '../page/bench-entry';
import { benchFile } from '../lib/files';
import type { BenchFile } from '../lib/files';
import { alternate, interval, ratioInterval, spread } from '../lib/ab';
import type { AbResult } from '../lib/ab';
import { builds as sharedBuilds } from '../lib/builds';
import { BenchPage } from '../lib/page';
import { startServerProcess } from '../lib/server-process';
import { MB, mbps, median, ratio } from '../lib/stats';
import type { Figure } from '../lib/types';

export const SIZE = 256 * MB;
const TARGET = 0.97;

export function checkSummary(data: string, file: BenchFile, what: string): void {
  const summary = JSON.parse(data) as UploadSummary;
  const got = summary.files[0];
  if (!got || got.size !== file.size || got.sha256 !== file.sha256) {
    throw new Error(
      `${what}: the server did not receive the file intact (${got ? `${got.size} B, ${got.sha256}` : 'no file'})`,
    );
  }
}

const figure: Figure = {
  name: 'page-throughput',
  async run(ctx) {
    const rounds = ctx.runs * 12;
    const builds = await sharedBuilds();
    const big = await benchFile('page-256m.bin', SIZE);
    const server = await startServerProcess({ staticDir: dirname(big.realPath) });
    const page = await BenchPage.open(builds.hybridIife);
    const once =
      (v: Variant) =>
      async (i: number | string): Promise<number> => {
        const r = await page.upload(v, 'big', `${server.uploadUrl}?id=${v}-${i}`);
        checkSummary(r.data, big, v);
        ctx.log(`page-throughput: ${v.padEnd(7)} ${i}: ${r.ms.toFixed(0)} ms`);
        return r.ms;
      };
    let ab: AbResult;
    try {
      const loaded = await page.load('big', `${server.origin}/${basename(big.realPath)}`);
      if (loaded !== SIZE) throw new Error(`the page holds ${loaded} of ${SIZE} bytes`);
      // Warm-up, not counted: the CORS preflight is then cached for both, the code paths compiled.
      await once('library')('warm-up');
      await once('raw')('warm-up');
      ab = await alternate(rounds, once('library'), once('raw'));
    } finally {
      await page.close();
      await server.close();
      big.remove();
    }
    const lib = mbps(SIZE, median(ab.a));
    const raw = mbps(SIZE, median(ab.b));
    const r = lib / raw;
    return [
      {
        figure: 'page path: 256 MB Blob to the local server, real Chromium (throughput)',
        measured: `${lib.toFixed(0)} MB/s`,
        baseline: `${raw.toFixed(0)} MB/s (raw XHR + FormData)`,
        result: `${ratio(r)} (${interval(ratioInterval(ab.b, ab.a))})`,
        target: `>= ${TARGET}`,
        pass: r >= TARGET,
        runs: `${rounds}+${rounds}`,
        note:
          `Headless Chromium; the page (its own origin) loads the hybrid IIFE build and uploads cross-origin to the upload server on 127.0.0.1 ` +
          `(its own Node process, reading at full speed, sha256 checked on every upload); the CORS preflight is cached by a warm-up upload of each variant. ` +
          `Timed in the page from uploadFile() to success / from xhr.send() to onload, both with an upload progress listener; ` +
          `${rounds} alternating rounds (12x --runs: the runs are short and noisy on 2 shared cores). Per-round time ratios raw/library: ${spread(ab.b.map((b, i) => b / ab.a[i]))}.`,
      },
    ];
  },
};

export default figure;
