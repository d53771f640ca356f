/**
 * Page path throughput from a blob: URL: a 128 MB Blob in real Chromium, uploaded by the library as a
 * blob: URL of it, beside the baseline, a hand-written XMLHttpRequest + FormData of the Blob itself. Four
 * ways in each round, each upload's sha256 checked by the server:
 *
 * - raw: the baseline;
 * - recorded: uploadFile of a URL the page made after the library loaded; the library sends the Blob
 *   the URL was made from (src/hybrid/blob-urls.ts);
 * - read back: uploadFile of a URL made with URL.createObjectURL as it was before the library loaded, which
 *   the library reads back with fetch().blob() before it uploads: what every blob: URL cost before the record;
 * - XHR read: the other way to read a URL back, XHR with responseType 'blob', then uploadFile of that Blob.
 *
 * The rounds come in Latin squares (williamsOrder: each way once in each position and after each other
 * way), each square in a browser of its own. With DevTools' network agent on, as Playwright has it,
 * Chromium keeps the Blob of every XHR response read as a Blob for the inspector
 * (third_party/blink/renderer/core/inspector/network_resources_data.cc, BlobReceived): in one browser the
 * XHR reads' copies pile up in its blob storage until it is full, at about 2 GB here, and the next copy
 * fails. Without DevTools they are freed like the others. The page's garbage is collected before each
 * run, which frees the copies fetch().blob() made. The interval resamples whole browsers, then runs
 * within each.
 */
import { basename, dirname } from 'node:path';
import { groupedRatioInterval, interval, rotate, spread } from '../lib/ab';
import { builds as sharedBuilds } from '../lib/builds';
import { benchFile } from '../lib/files';
import { BenchPage } from '../lib/page';
import type { PageResult } from '../page/bench-entry';
import { startServerProcess } from '../lib/server-process';
import { MB, mbps, median, ratio } from '../lib/stats';
import type { Figure, Row } from '../lib/types';
import { checkSummary } from './page-throughput';

const SIZE = 128 * MB;
const TARGET = 0.9;

const WAYS = ['raw', 'recorded', 'readBack', 'xhrRead'] as const;
type Way = (typeof WAYS)[number];

const figure: Figure = {
  name: 'page-blob-url',
  async run(ctx) {
    const browsers = ctx.runs * 2;
    const rounds = browsers * WAYS.length;
    const builds = await sharedBuilds();
    const big = await benchFile('page-blob-url-128m.bin', SIZE);
    const server = await startServerProcess({ staticDir: dirname(big.realPath) });
    const times: Record<Way, number[]> = { raw: [], recorded: [], readBack: [], xhrRead: [] };
    const groups: Array<[number, number]> = [];
    try {
      for (let b = 0; b < browsers; b++) {
        const page = await BenchPage.open(builds.hybridIife);
        try {
          const loaded = await page.load('big', `${server.origin}/${basename(big.realPath)}`);
          if (loaded !== SIZE) throw new Error(`the page holds ${loaded} of ${SIZE} bytes`);
          await page.blobUrl('big', 'recorded', 'page');
          await page.blobUrl('big', 'unrecorded', 'before-library');
          const uploads: Record<Way, (target: string) => Promise<PageResult>> = {
            raw: (target) => page.upload('raw', 'big', target),
            recorded: (target) => page.upload('library', 'recorded', target),
            readBack: (target) => page.upload('library', 'unrecorded', target),
            xhrRead: (target) => page.uploadReadByXhr('unrecorded', target),
          };
          const once =
            (way: Way) =>
            async (i: number | string): Promise<number> => {
              await page.collectGarbage();
              const r = await uploads[way](`${server.uploadUrl}?id=${way}-${b}-${i}`);
              checkSummary(r.data, big, way);
              ctx.log(`page-blob-url: browser ${b + 1}, ${way.padEnd(8)} ${i}: ${r.ms.toFixed(0)} ms`);
              return r.ms;
            };
          // Warm-up, not counted: the CORS preflight is then cached for all, the code paths compiled.
          for (const way of WAYS) await once(way)('warm-up');
          const square = await rotate(WAYS.length, {
            raw: once('raw'),
            recorded: once('recorded'),
            readBack: once('readBack'),
            xhrRead: once('xhrRead'),
          });
          const start = times.raw.length;
          for (const way of WAYS) times[way].push(...square[way]);
          groups.push([start, times.raw.length]);
        } finally {
          await page.close();
        }
      }
    } finally {
      await server.close();
      big.remove();
    }
    const raw = mbps(SIZE, median(times.raw));
    const row = (way: Exclude<Way, 'raw'>, figureText: string, target?: number): Row => {
      const speed = mbps(SIZE, median(times[way]));
      const r = speed / raw;
      return {
        figure: figureText,
        measured: `${speed.toFixed(0)} MB/s`,
        baseline: `${raw.toFixed(0)} MB/s (raw XHR + FormData of the Blob)`,
        result: `${ratio(r)} (${interval(groupedRatioInterval(times.raw, times[way], groups))})`,
        target: target === undefined ? '-' : `>= ${target}`,
        pass: target === undefined ? undefined : r >= target,
        runs: `${rounds}+${rounds}`,
        note:
          `${figureText}: per-round time ratios raw/this ${spread(times.raw.map((t, i) => t / times[way][i]))}.` +
          (target === undefined
            ? ''
            : ` Headless Chromium; the page loads the hybrid IIFE build and uploads cross-origin to the upload server on 127.0.0.1 ` +
              `(its own Node process, sha256 checked on every upload); the four ways in ${rounds} rounds, ${WAYS.length} in each of ` +
              `${browsers} browsers (2x --runs), in a balanced order (each way in each position, and after each other way, once per browser); ` +
              `timed in the page from the call to success (raw: xhr.send() to onload), all with an upload progress listener; ` +
              `the page's garbage collected before each run.`),
      };
    };
    return [
      row('recorded', 'page path: 128 MB blob: URL made after the library loaded (its Blob is sent)', TARGET),
      row('readBack', 'page path: 128 MB blob: URL the library did not see made (read back: fetch().blob())'),
      row('xhrRead', 'candidate, not kept: read back with XHR responseType blob, then uploadFile of that Blob'),
    ];
  },
};

export default figure;
