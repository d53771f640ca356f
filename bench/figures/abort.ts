/**
 * abort() latencies, mid-upload (the server has received 16 MB of a 256 MB file and reads at full speed,
 * so a close is not hidden behind unread data):
 * - ArkTS: abort() to the fail callback (performance.now() around them, same process);
 * - ArkTS: abort() to the server seeing the socket close, against request.agent.remove(tid) driven directly;
 * - page path (Chromium): task.abort() to the server seeing the close, against xhr.abort() of a hand-written
 *   upload. The page's clock is mapped to Node's with an NTP-style offset (shortest of 15 round trips);
 *   its error bound is printed in the note.
 * "The server sees the close" is when the upload server (in this process) marks the request's connection
 * closed ('close' of its socket), observed through its record store: slightly after the event itself.
 */
import { request } from '@kit.BasicServicesKit';
import { startUploadServer } from '../../server/upload-server';
import type { UploadServer } from '../../server/types';
import type { Variant } from '../page/bench-entry';
import { quiesce, startDirect, startLibrary, useLibrary } from '../lib/arkts';
import { gc } from '../lib/ab';
import { benchFile } from '../lib/files';
import type { BenchFile } from '../lib/files';
import { abOrder, MB, median, ms, percentile } from '../lib/stats';
import { builds as sharedBuilds } from '../lib/builds';
import type { Figure, Row } from '../lib/types';

const SIZE = 256 * MB;
const ABORT_AFTER = 16 * MB;
const CALLBACK_TARGET_MS = 1;
const CLOSE_TARGET_MS = 50;

const now = (): number => performance.timeOrigin + performance.now();

interface Watch {
  /** Resolves once the server has received ABORT_AFTER bytes of this upload. */
  midway: Promise<unknown>;
  /** Resolves with the (Node) time at which the server saw the connection close. */
  closed: Promise<number>;
}

function watch(server: UploadServer, id: string): Watch {
  const midway = server.waitFor((r) => r.id === id && r.bytesReceived >= ABORT_AFTER, 30000);
  const closed = server.waitFor((r) => r.id === id && r.closedAt !== undefined, 30000).then(() => now());
  return { midway, closed };
}

async function arktsAborts(
  server: UploadServer,
  file: BenchFile,
  n: number,
  log: (m: string) => void,
): Promise<{ callback: number[]; call: number[]; close: number[]; direct: number[]; removeCall: number[] }> {
  const out = {
    callback: [] as number[],
    call: [] as number[],
    close: [] as number[],
    direct: [] as number[],
    removeCall: [] as number[],
  };
  const library = async (i: number): Promise<void> => {
    const id = `abort-lib-${i}`;
    const w = watch(server, id);
    let abortedAt = 0;
    let abortWall = 0;
    let returnedAt = 0;
    let failedAt = 0;
    let errMsg = '';
    const failed = new Promise<void>((resolve) => {
      const task = startLibrary(`${server.uploadUrl}?id=${id}`, file, {
        fail: (err) => {
          failedAt = performance.now();
          errMsg = err.errMsg;
          resolve();
        },
      });
      void w.midway.then(() => {
        abortWall = now();
        abortedAt = performance.now();
        task.abort();
        returnedAt = performance.now();
      });
    });
    await failed;
    const closedAt = await w.closed;
    if (errMsg !== 'uploadFile:fail abort') throw new Error(`library upload ${i} ended with ${errMsg}`);
    out.callback.push(failedAt - abortedAt);
    out.call.push(returnedAt - abortedAt);
    out.close.push(closedAt - abortWall);
  };
  const direct = async (i: number): Promise<void> => {
    const id = `abort-direct-${i}`;
    const w = watch(server, id);
    const { task, completed } = await startDirect(`${server.uploadUrl}?id=${id}`, file);
    completed.catch(() => undefined);
    await w.midway;
    const t0 = now();
    const p0 = performance.now();
    const removing = request.agent.remove(task.tid);
    out.removeCall.push(performance.now() - p0);
    await removing;
    out.direct.push((await w.closed) - t0);
  };
  for (let i = 0; i < n; i++) {
    for (const v of abOrder(i, 'library', 'direct')) {
      gc();
      await (v === 'library' ? library(i) : direct(i));
      await quiesce();
      server.clearRecords();
    }
  }
  log(`abort: ArkTS abort->fail ${out.callback.map((x) => x.toFixed(3)).join(' ')} ms`);
  log(
    `abort: ArkTS abort->close ${out.close.map((x) => x.toFixed(2)).join(' ')} ms; direct remove->close ${out.direct.map((x) => x.toFixed(2)).join(' ')} ms`,
  );
  return out;
}

interface PageAborts {
  close: Record<Variant, number[]>;
  callback: Record<Variant, number[]>;
  clockError: number;
}

async function pageAborts(file: BenchFile, n: number, log: (m: string) => void): Promise<PageAborts> {
  const builds = await sharedBuilds();
  // Loaded only now: playwright-core slows promise-heavy code in its process, and the ArkTS part is done.
  const { BenchPage } = await import('../lib/page');
  const server = await startUploadServer({ staticFiles: { '/big.bin': file.realPath } });
  const page = await BenchPage.open(builds.hybridIife);
  const out: PageAborts = { close: { library: [], raw: [] }, callback: { library: [], raw: [] }, clockError: 0 };
  try {
    await page.load('big', `${server.origin}/big.bin`);
    // Warm-up: the CORS preflight is cached for both variants.
    for (const v of ['library', 'raw'] as const) await page.upload(v, 'big', `${server.uploadUrl}?id=warm-${v}`);
    const clock = await page.clockOffset();
    out.clockError = clock.error;
    for (let i = 0; i < n; i++) {
      for (const v of abOrder(i, 'library', 'raw')) {
        const id = `page-abort-${v}-${i}`;
        const w = watch(server, id);
        const upload = await page.start(v, 'big', `${server.uploadUrl}?id=${id}`);
        await w.midway;
        const timing = await page.abort(upload);
        const closedAt = await w.closed;
        out.close[v].push(closedAt - (timing.abortAt - clock.offset));
        out.callback[v].push(timing.toCallbackMs);
        server.clearRecords();
      }
    }
    const after = await page.clockOffset();
    out.clockError = Math.max(out.clockError, Math.abs(after.offset - clock.offset) + after.error);
  } finally {
    await page.close();
    await server.close();
  }
  log(
    `abort: page abort->close library ${out.close.library.map((x) => x.toFixed(2)).join(' ')}; raw ${out.close.raw.map((x) => x.toFixed(2)).join(' ')} ms`,
  );
  return out;
}

const figure: Figure = {
  name: 'abort',
  async run(ctx) {
    useLibrary();
    const n = ctx.runs * 4;
    const file = await benchFile('abort-256m.bin', SIZE);
    const server = await startUploadServer();
    let arkts: Awaited<ReturnType<typeof arktsAborts>>;
    let page: PageAborts;
    try {
      arkts = await arktsAborts(server, file, n, ctx.log);
    } finally {
      await server.close();
    }
    try {
      page = await pageAborts(file, n, ctx.log);
    } finally {
      file.remove();
    }
    const rows: Row[] = [
      {
        figure: 'ArkTS: abort() to the fail callback (mid-upload)',
        measured: ms(median(arkts.callback)),
        baseline: '-',
        result: `p95 ${ms(percentile(arkts.callback, 95))}, max ${ms(Math.max(...arkts.callback))}`,
        target: `< ${CALLBACK_TARGET_MS} ms`,
        pass: median(arkts.callback) < CALLBACK_TARGET_MS,
        runs: `${n}`,
        note:
          `Each upload: a 256 MB file, the upload server (same process) reading at full speed; abort() once the server holds ${ABORT_AFTER / MB} MB. ` +
          `performance.now() just before abort() and in the fail callback (errMsg 'uploadFile:fail abort' checked). Of that, abort() itself takes ` +
          `${ms(median(arkts.call))} (median): it stops the platform task synchronously (task.off, request.agent.remove, which in the emulation ` +
          `destroys the socket at once; called directly, request.agent.remove() takes ${ms(median(arkts.removeCall))} before it returns); ` +
          `the callback follows in a microtask.`,
      },
      {
        figure: 'ArkTS: abort() to the server seeing the socket close',
        measured: ms(median(arkts.close)),
        baseline: `${ms(median(arkts.direct))} (request.agent.remove() directly)`,
        result: `p95 ${ms(percentile(arkts.close, 95))}; library - direct ${ms(Math.max(0, median(arkts.close) - median(arkts.direct)))}`,
        target: `< ${CLOSE_TARGET_MS} ms`,
        pass: median(arkts.close) < CLOSE_TARGET_MS,
        runs: `${n}+${n}`,
      },
      {
        figure: 'page path: abort() to the server seeing the socket close',
        measured: ms(median(page.close.library)),
        baseline: `${ms(median(page.close.raw))} (xhr.abort() of a raw XHR)`,
        result: `p95 ${ms(percentile(page.close.library, 95))}; abort() to fail callback ${ms(median(page.callback.library))}`,
        target: `< ${CLOSE_TARGET_MS} ms`,
        pass: median(page.close.library) < CLOSE_TARGET_MS,
        runs: `${n}+${n}`,
        note:
          `Chromium uploading a 256 MB Blob cross-origin; aborted once the server holds ${ABORT_AFTER / MB} MB. The abort time is taken in the page ` +
          `(performance.timeOrigin + now()) and mapped to Node's clock; mapping error at most ±${page.clockError.toFixed(2)} ms. The abort is requested ` +
          `from Node over CDP, but the latency is counted from the abort() call in the page.`,
      },
    ];
    return rows;
  },
};

export default figure;
