/**
 * abort() latencies, mid-upload (the server has received 16 MB of a 256 MB file and reads at full speed,
 * so a close is not hidden behind unread data):
 * - ArkTS: abort() to the fail callback (performance.now() around them, same process);
 * - ArkTS: abort() to the server seeing the socket close, against request.agent.remove(tid) driven directly;
 *   `http-abort` the same two on @ohos.net.http, against HttpRequest.destroy() driven directly (where the
 *   platform sends the rest of the body before the connection ends: the bytes after abort are counted);
 * - page path (Chromium): task.abort() to the server seeing the close, against xhr.abort() of a hand-written
 *   upload. The page's clock is mapped to Node's with an NTP-style offset (shortest of 15 round trips);
 *   its error bound is printed in the note.
 * "The server sees the close" is when the upload server (in this process) marks the request's connection
 * closed ('close' of its socket), observed through its record store: slightly after the event itself.
 */
import { startUploadServer } from '../../server/upload-server';
import type { UploadRecord, UploadServer } from '../../server/types';
import type { Variant } from '../page/bench-entry';
import { DIRECT_NAME, quiesce, startDirect, startLibrary, useLibrary } from '../lib/arkts';
import type { Engine } from '../lib/arkts';
import { gc } from '../lib/ab';
import { benchFile } from '../lib/files';
import type { BenchFile } from '../lib/files';
import { abOrder, bytes, MB, median, ms, percentile } from '../lib/stats';
import { builds as sharedBuilds } from '../lib/builds';
import type { Figure, Row } from '../lib/types';

const SIZE = 256 * MB;
const ABORT_AFTER = 16 * MB;
const CALLBACK_TARGET_MS = 1;
const CLOSE_TARGET_MS = 50;

const now = (): number => performance.timeOrigin + performance.now();

interface Watch {
  /** Resolves once the server has received ABORT_AFTER bytes of this upload, with its record (kept up to date). */
  midway: Promise<UploadRecord>;
  /** Resolves with the (Node) time at which the server saw the connection close. */
  closed: Promise<number>;
}

function watch(server: UploadServer, id: string): Watch {
  const midway = server.waitFor((r) => r.id === id && r.bytesReceived >= ABORT_AFTER, 30000);
  const closed = server.waitFor((r) => r.id === id && r.closedAt !== undefined, 30000).then(() => now());
  return { midway, closed };
}

interface ArkTsAborts {
  callback: number[];
  call: number[];
  close: number[];
  direct: number[];
  removeCall: number[];
  /** Body bytes the server received after abort() / after the direct stop, until the connection ended. */
  bytesAfter: number[];
  directBytesAfter: number[];
}

async function arktsAborts(
  server: UploadServer,
  file: BenchFile,
  n: number,
  log: (m: string) => void,
  engine: Engine,
  /** More of the upload URL's query, e.g. `&readBps=...`. */
  query = '',
): Promise<ArkTsAborts> {
  const out: ArkTsAborts = {
    callback: [],
    call: [],
    close: [],
    direct: [],
    removeCall: [],
    bytesAfter: [],
    directBytesAfter: [],
  };
  const library = async (i: number): Promise<void> => {
    const id = `abort-lib-${i}`;
    const w = watch(server, id);
    let abortedAt = 0;
    let abortWall = 0;
    let returnedAt = 0;
    let failedAt = 0;
    let errMsg = '';
    let bytesAtAbort = 0;
    const failed = new Promise<void>((resolve) => {
      const task = startLibrary(`${server.uploadUrl}?id=${id}${query}`, file, {
        fail: (err) => {
          failedAt = performance.now();
          errMsg = err.errMsg;
          resolve();
        },
      });
      void w.midway.then((record) => {
        bytesAtAbort = record.bytesReceived;
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
    out.bytesAfter.push((await w.midway).bytesReceived - bytesAtAbort);
  };
  const direct = async (i: number): Promise<void> => {
    const id = `abort-direct-${i}`;
    const w = watch(server, id);
    const upload = await startDirect(engine, `${server.uploadUrl}?id=${id}${query}`, file);
    upload.completed.catch(() => undefined);
    const record = await w.midway;
    const bytesAtStop = record.bytesReceived;
    const t0 = now();
    const p0 = performance.now();
    const releasing = upload.release();
    out.removeCall.push(performance.now() - p0);
    await releasing;
    out.direct.push((await w.closed) - t0);
    out.directBytesAfter.push(record.bytesReceived - bytesAtStop);
  };
  for (let i = 0; i < n; i++) {
    for (const v of abOrder(i, 'library', 'direct')) {
      gc();
      await (v === 'library' ? library(i) : direct(i));
      await quiesce();
      server.clearRecords();
    }
  }
  log(`abort (${engine}): ArkTS abort->fail ${out.callback.map((x) => x.toFixed(3)).join(' ')} ms`);
  log(
    `abort (${engine}): ArkTS abort->close ${out.close.map((x) => x.toFixed(2)).join(' ')} ms; direct stop->close ${out.direct.map((x) => x.toFixed(2)).join(' ')} ms`,
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
    let arkts: ArkTsAborts;
    let page: PageAborts;
    try {
      arkts = await arktsAborts(server, file, n, ctx.log, 'agent');
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

/**
 * On @ohos.net.http the connection ends only once the platform has sent the rest of the body and the server
 * has answered: the time is the rest of the file at the server's pace. The server reads at a fixed rate
 * here, so that what the library adds to it can be told from the noise of full-speed transfers.
 */
const HTTP_ABORT_SIZE = 64 * MB;
const HTTP_ABORT_READ_BPS = 32 * MB;

/** abort() on @ohos.net.http: to the fail callback, and to the server seeing the request end. */
export const httpAbortFigure: Figure = {
  name: 'http-abort',
  async run(ctx) {
    useLibrary(10, 'http');
    const n = ctx.runs * 2;
    const file = await benchFile('abort-64m.bin', HTTP_ABORT_SIZE);
    const server = await startUploadServer();
    let r: ArkTsAborts;
    try {
      r = await arktsAborts(server, file, n, ctx.log, 'http', `&readBps=${HTTP_ABORT_READ_BPS}`);
    } finally {
      await server.close();
      file.remove();
    }
    const extra = median(r.close) - median(r.direct);
    return [
      {
        figure: 'ArkTS on @ohos.net.http: abort() to the fail callback (mid-upload)',
        measured: ms(median(r.callback)),
        baseline: '-',
        result: `p95 ${ms(percentile(r.callback, 95))}, max ${ms(Math.max(...r.callback))}`,
        target: `< ${CALLBACK_TARGET_MS} ms`,
        pass: median(r.callback) < CALLBACK_TARGET_MS,
        runs: `${n}`,
        note:
          `A ${HTTP_ABORT_SIZE / MB} MB file, the upload server (same process) reading at ${HTTP_ABORT_READ_BPS / MB} MB/s; abort() once it holds ` +
          `${ABORT_AFTER / MB} MB. abort() itself takes ${ms(median(r.call))} (median): it destroys the HttpRequest and removes its ` +
          'listeners; the callback follows in a microtask.',
      },
      {
        figure: 'ArkTS on @ohos.net.http: abort() to the server seeing the request end',
        measured: ms(median(r.close)),
        baseline: `${ms(median(r.direct))} (destroy(), ${DIRECT_NAME.http})`,
        result: `library - direct ${extra >= 0 ? '+' : ''}${ms(extra)}`,
        target: `<= direct + ${CLOSE_TARGET_MS} ms`,
        pass: extra <= CLOSE_TARGET_MS,
        runs: `${n}+${n}`,
        note:
          `destroy() only marks the request: the platform sends the rest of the body (after abort: ${bytes(median(r.bytesAfter))} of the ` +
          `${HTTP_ABORT_SIZE / MB} MB file, median; direct ${bytes(median(r.directBytesAfter))}) and the connection ends when the server's answer ` +
          'arrives. Nothing an app can call stops it sooner once the body is being sent; on a device it is the rest of the file at the ' +
          "network's speed, bounded by the request's own time limit (the task's timeout + 1 s).",
      },
    ];
  },
};
