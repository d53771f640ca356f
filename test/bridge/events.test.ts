/**
 * Over the bridge, page listeners see exactly what ArkTS listeners on the native task see, in the same
 * order; the number of messages per upload stays bounded; several WebViews work side by side; a page
 * load aborts the uploads of the page before it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Recording } from '../contract/driver';
import { eventOf, expectFailure, expectSuccess } from '../contract/recording';
import { configureEmulation } from '../../emulator/control';
import { startEmulatedDevice, stopEmulatedDevice } from '../arkts/device';
import { uniqueId, urlFor } from '../contract/cases';
import type { UploadServer, UploadSummary } from '../../server/types';
import { hybridIife } from '../hybrid/iife';
import { delivered } from './messages';
import { leaveRunning, nativeFile, runningUpload, startBridgePage } from './target';
import type { BridgePage, NativeEvent } from './target';

let server: UploadServer;

beforeAll(async () => {
  server = await startEmulatedDevice();
});
afterAll(() => stopEmulatedDevice(server));

/** The user-visible sequence, in one shape for both sides. */
function pageSequence(r: Recording): unknown[] {
  const out: unknown[] = [];
  for (const e of r.events) {
    if (e.kind === 'progress') out.push(['progress', e.progress, e.sent, e.expected]);
    else if (e.kind === 'headers') out.push(['headers', e.header]);
    else if (e.kind === 'resolved') out.push(['success', e.result]);
    else if (e.kind === 'rejected') out.push(['fail', e.result]);
  }
  return out;
}

function nativeSequence(events: NativeEvent[]): unknown[] {
  return events.map((e) => {
    if (e.kind === 'progress') return ['progress', e.progress, e.sent, e.expected];
    if (e.kind === 'headers') return ['headers', e.header];
    return [e.kind === 'resolved' ? 'success' : 'fail', e.result];
  });
}

describe('one bridge', () => {
  let side: BridgePage;
  beforeAll(async () => {
    side = await startBridgePage();
  });
  afterAll(async () => side?.harness.close());

  it('page listeners see the same sequence as ArkTS listeners of the same upload', async () => {
    const file = await nativeFile(16 * 1024 * 1024, 'same.bin');
    const r = await side.harness.run({
      options: {
        url: urlFor(server, { readBps: 4 * 1024 * 1024, 'header.X-Reply': 'ok' }),
        filePath: file.filePath,
        name: 'file',
      },
    });
    const native = side.native.uploads.at(-1);
    if (!native) throw new Error('no native upload');
    await native.done;
    const page = pageSequence(r);
    expect(page.filter((e) => (e as unknown[])[0] === 'progress').length).toBeGreaterThan(5);
    expect(page).toEqual(nativeSequence(native.events));
    const last = page.at(-1) as [string, { data: string }];
    expect((JSON.parse(last[1].data) as UploadSummary).files[0].sha256).toBe(file.sha256);
  });

  it('the same for a failure (abort) and for an error status', async () => {
    const file = await nativeFile(16 * 1024 * 1024, 'same-abort.bin');
    const r = await side.harness.run({
      options: { url: urlFor(server, { readBps: 4 * 1024 * 1024 }), filePath: file.filePath, name: 'file' },
      abort: { atPercent: 40 },
      settleMs: 500,
    });
    const native = side.native.uploads.at(-1);
    if (!native) throw new Error('no native upload');
    await native.done;
    // The page decides the abort: the native task ends with abort too, and what came before is the same.
    expect(nativeSequence(native.events)).toEqual(pageSequence(r));
    const err = await side.harness.run({
      options: { url: urlFor(server, { status: 418 }), filePath: (await nativeFile(1000)).filePath, name: 'file' },
    });
    const nativeErr = side.native.uploads.at(-1);
    await nativeErr?.done;
    expect(pageSequence(err)).toEqual(nativeSequence(nativeErr?.events ?? []));
  });

  it.each([1, 100])(
    'messages per upload stay bounded (%i MB): at most 105 runJavaScript deliveries, even if the platform reported every 2 ms',
    async (mb) => {
      configureEmulation({ progressIntervalMs: 2 });
      try {
        const file = await nativeFile(mb * 1024 * 1024, `count-${mb}.bin`);
        const before = side.webview.scripts.length;
        const r = await side.harness.run({
          options: {
            url: urlFor(server, { readBps: 32 * 1024 * 1024 }),
            filePath: file.filePath,
            name: 'file',
            timeout: 60000,
          },
        });
        expectSuccess(r);
        const sent = side.webview.scripts.length - before;
        expect(sent).toBeLessThanOrEqual(105);
        expect(sent).toBeGreaterThanOrEqual(3);
      } finally {
        configureEmulation({ progressIntervalMs: 100 });
      }
    },
    60000,
  );

  it('answers cross as data: quotes, </script>, U+2028, backslashes and invalid UTF-8 arrive as the native side read them', async () => {
    const file = await nativeFile(100);
    const tricky = `"'\`</script><script>alert(1)</script>\u2028\u2029\\\\" + "\\u0000 ${'😀'} \r\n end`;
    const r1 = await side.harness.run({
      options: { url: urlFor(server, { body: tricky }), filePath: file.filePath, name: 'file' },
    });
    expect(expectSuccess(r1).data).toBe(tricky);
    const invalid = Buffer.from([0x61, 0xff, 0xfe, 0x62, 0xe2, 0x82, 0x22, 0x3c]).toString('base64');
    const r2 = await side.harness.run({
      options: { url: urlFor(server, { bodyB64: invalid }), filePath: file.filePath, name: 'file' },
    });
    const native = side.native.uploads.at(-1);
    await native?.done;
    const data = expectSuccess(r2).data;
    expect(data).toBe(native ? eventOf(native, 'resolved').result.data : 'missing');
    expect(data).toBe(new TextDecoder().decode(Buffer.from(invalid, 'base64')));
  });

  it('a reload aborts the uploads of the page before it: the server sees them end, nothing reaches the new page', async () => {
    const file = await nativeFile(16 * 1024 * 1024, 'reload.bin');
    const id = uniqueId('reload');
    // Start an upload and leave it running: the page is reloaded under it.
    await leaveRunning(side, server, id, file.filePath, 1024 * 1024);
    const scriptsBefore = side.webview.scripts.length;
    await side.harness.page.reload();
    await side.harness.page.waitForFunction(() => window.harness !== undefined);
    const rec = await server.waitFor((x) => x.id === id && x.closedAt !== undefined, 10000);
    expect(rec.bodyComplete).toBe(false);
    const native = side.native.uploads.at(-1);
    await native?.done;
    expect(native?.events.at(-1)).toEqual({ kind: 'rejected', result: { errMsg: 'uploadFile:fail abort' } });
    expect(side.bridge.activeUploads).toBe(0);
    expect(side.webview.scripts.length - scriptsBefore).toBeLessThanOrEqual(1);
    // The new page uploads as usual.
    const again = await side.harness.run({
      options: { url: urlFor(server), filePath: file.filePath, name: 'file', timeout: 60000 },
    });
    expectSuccess(again);
  }, 60000);
});

describe('without onPageBegin wired', () => {
  it('the first upload of a new page load aborts the uploads of the page before it', async () => {
    const side = await startBridgePage({ wirePageBegin: false });
    try {
      const big = await nativeFile(16 * 1024 * 1024, 'nowire.bin');
      const id = uniqueId('nowire');
      await leaveRunning(side, server, id, big.filePath, 1024 * 1024);
      for (let i = 0; i < 100 && side.webview.scripts.length === 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      const oldPage = delivered(side.webview.scripts)[0]?.page;
      expect(oldPage).toBeDefined();
      const atReload = side.webview.scripts.length;
      await side.harness.page.reload();
      await side.harness.page.waitForFunction(() => window.harness !== undefined);
      const small = await nativeFile(100);
      const r = await side.harness.run({ options: { url: urlFor(server), filePath: small.filePath, name: 'file' } });
      expectSuccess(r);
      const rec = await server.waitFor((x) => x.id === id && x.closedAt !== undefined, 10000);
      expect(rec.bodyComplete).toBe(false);
      expect(side.bridge.activeUploads).toBe(0);
      // A new page id may be forged, so the host tells the old page its upload ended; that page is gone, and
      // the new one drops the message, which names a page id not its own (after progress in flight, if any).
      await new Promise((resolve) => setTimeout(resolve, 200));
      const late = delivered(side.webview.scripts.slice(atReload)).filter((m) => m.page === oldPage);
      expect(late.filter((m) => m.type !== 'progress')).toEqual([
        { v: 1, page: oldPage, type: 'fail', id: expect.any(String), reason: 'abort' },
      ]);
    } finally {
      await side.harness.close();
    }
  }, 60000);
});

describe('several WebViews side by side', () => {
  it('each has its own uploads: both complete, an abort in one leaves the other alone', async () => {
    const a = await startBridgePage();
    const b = await startBridgePage();
    try {
      const fa = await nativeFile(12 * 1024 * 1024, 'side-a.bin');
      const fb = await nativeFile(12 * 1024 * 1024, 'side-b.bin');
      const fc = await nativeFile(12 * 1024 * 1024, 'side-c.bin');
      const slow = { readBps: 8 * 1024 * 1024 };
      const [ra, rb, rc] = await Promise.all([
        a.harness.run({ options: { url: urlFor(server, slow), filePath: fa.filePath, name: 'file' } }),
        b.harness.run({ options: { url: urlFor(server, slow), filePath: fb.filePath, name: 'file' } }),
        b.harness.run({
          options: { url: urlFor(server, slow), filePath: fc.filePath, name: 'file' },
          abort: { afterMs: 200 },
        }),
      ]);
      for (const [r, f] of [
        [ra, fa],
        [rb, fb],
      ] as const) {
        expect((JSON.parse(expectSuccess(r).data) as UploadSummary).files[0].sha256).toBe(f.sha256);
      }
      expectFailure(rc, 'uploadFile:fail abort');
      expect(a.native.uploads).toHaveLength(1);
      expect(b.native.uploads).toHaveLength(2);
    } finally {
      await a.harness.close();
      await b.harness.close();
    }
  }, 60000);
});

describe('two copies of the library in one page (a script tag beside a bundle)', () => {
  it('share the page load: uploads from both complete, neither aborts nor takes the other', async () => {
    const side = await startBridgePage();
    try {
      const fa = await nativeFile(4 * 1024 * 1024, 'copy-a.bin');
      const fb = await nativeFile(1000, 'copy-b.bin');
      const idB = uniqueId('copyB');
      // The harness's copy uploads first; the second copy arrives while that upload runs.
      const upload = { filePath: fa.filePath, readBps: 2 * 1024 * 1024, timeout: 30000, label: 'copyA' };
      const { run: runA } = await runningUpload(side, server, upload);
      await side.harness.page.addScriptTag({ path: (await hybridIife()).path });
      const b = await side.harness.page.evaluate(
        async ([url, filePath]) => {
          const lib = (
            window as unknown as {
              HarmonyUploadTask: { uploadFile(o: object): Promise<{ statusCode: number; data: string }> };
            }
          ).HarmonyUploadTask;
          try {
            const res = await lib.uploadFile({ url, filePath, name: 'file', timeout: 30000 });
            return `${res.statusCode} ${(JSON.parse(res.data) as UploadSummary).files[0].sha256}`;
          } catch (err) {
            return (err as { errMsg: string }).errMsg;
          }
        },
        [urlFor(server, { id: idB }), fb.filePath] as const,
      );
      expect(b).toBe(`200 ${fb.sha256}`);
      const a = await runA;
      expectSuccess(a);
      expect((JSON.parse(expectSuccess(a).data) as UploadSummary).files[0].sha256).toBe(fa.sha256);
      expect(side.bridge.activeUploads).toBe(0);
    } finally {
      await side.harness.close();
    }
  }, 60000);

  it('a task counter set back by another copy cannot give two uploads one id: each gets its own answer', async () => {
    const side = await startBridgePage();
    try {
      const fa = await nativeFile(2 * 1024 * 1024, 'count-a.bin');
      const fb = await nativeFile(1000, 'count-b.bin');
      const upload = { filePath: fa.filePath, readBps: 1024 * 1024, timeout: 8000, label: 'countA' };
      const { run: runA } = await runningUpload(side, server, upload);
      await side.harness.page.evaluate(() => {
        (window as unknown as { __harmonyUploadBridge: { count: number } }).__harmonyUploadBridge.count = 0;
      });
      const rb = await side.harness.run({
        options: { url: urlFor(server), filePath: fb.filePath, name: 'file', timeout: 8000 },
      });
      const ra = await runA;
      for (const [r, f] of [
        [ra, fa],
        [rb, fb],
      ] as const) {
        expect((JSON.parse(expectSuccess(r).data) as UploadSummary).files[0].sha256).toBe(f.sha256);
      }
    } finally {
      await side.harness.close();
    }
  }, 60000);
});
