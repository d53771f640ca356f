/**
 * The benchmark page in Debian's Chromium: served by the page host (server/page-host.ts) on its own
 * origin, so uploads to the upload server are cross-origin as from an ArkWeb page; it loads the real
 * hybrid build (the IIFE) and bench/page/bench-entry.ts.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { launchChromium } from '../../emulator/ohos.web.webview/chromium';
import { startPageHost } from '../../server/page-host';
import type { PageHost } from '../../server/page-host';
import type { AbortTiming, PageResult, UrlMaker, Variant } from '../page/bench-entry';

const ENTRY = fileURLToPath(new URL('../page/bench-entry.ts', import.meta.url));

// The first script keeps URL.createObjectURL as it is before the library loads (and wraps it).
const HTML =
  '<!doctype html><meta charset="utf-8"><title>harmony-upload-task bench</title>' +
  '<script>window.createObjectURLBeforeLibrary = URL.createObjectURL;</script>' +
  '<script src="/harmony-upload-task.iife.js"></script><script src="/bench.js"></script>';

async function benchScript(): Promise<string> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2021',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

/**
 * The page's JS memory: V8's heap (usedSize), the embedder's heap (Blink objects), and the backing stores of
 * ArrayBuffers and external strings, which live outside V8's heap but are where a file read into JS goes.
 */
export interface HeapUsage {
  v8: number;
  embedder: number;
  backingStores: number;
  /** v8 + embedder + backingStores. */
  all: number;
}

export class BenchPage {
  private constructor(
    private readonly browser: Browser,
    readonly page: Page,
    readonly cdp: CDPSession,
    private readonly host: PageHost,
  ) {}

  /**
   * `beforeLoad` runs once the page exists, before it loads: the bridge figure attaches the ArkWeb
   * stand-in there, as an app attaches its bridge before the Web component loads.
   */
  static async open(iifePath: string, beforeLoad?: (page: Page, origin: string) => Promise<void>): Promise<BenchPage> {
    const host = await startPageHost({
      '/': { contentType: 'text/html; charset=utf-8', body: HTML },
      '/harmony-upload-task.iife.js': { contentType: 'text/javascript; charset=utf-8', body: readFileSync(iifePath) },
      '/bench.js': { contentType: 'text/javascript; charset=utf-8', body: await benchScript() },
    });
    const browser = await launchChromium();
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await beforeLoad?.(page, host.origin);
    await page.goto(`${host.origin}/`);
    await page.waitForFunction(() => window.benchPage !== undefined && window.HarmonyUploadTask !== undefined);
    if (errors.length > 0) throw new Error(`the bench page failed: ${errors.join('; ')}`);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.enable');
    return new BenchPage(browser, page, cdp, host);
  }

  load(key: string, url: string): Promise<number> {
    return this.page.evaluate(([k, u]) => window.benchPage.load(k, u), [key, url] as const);
  }

  blobUrl(key: string, urlKey: string, maker: UrlMaker): Promise<string> {
    return this.page.evaluate(([k, u, m]) => window.benchPage.blobUrl(k, u, m), [key, urlKey, maker] as const);
  }

  drop(key: string): Promise<void> {
    return this.page.evaluate((k) => window.benchPage.drop(k), key);
  }

  upload(variant: Variant, key: string, url: string): Promise<PageResult> {
    return this.page.evaluate(([v, k, u]) => window.benchPage.upload(v, k, u), [variant, key, url] as const);
  }

  uploadReadByXhr(key: string, url: string): Promise<PageResult> {
    return this.page.evaluate(([k, u]) => window.benchPage.uploadReadByXhr(k, u), [key, url] as const);
  }

  start(variant: Variant, key: string, url: string): Promise<number> {
    return this.page.evaluate(([v, k, u]) => window.benchPage.start(v, k, u), [variant, key, url] as const);
  }

  settled(id: number): Promise<PageResult | { failed: string }> {
    return this.page.evaluate((i) => window.benchPage.settled(i), id);
  }

  abort(id: number): Promise<AbortTiming> {
    return this.page.evaluate((i) => window.benchPage.abort(i), id);
  }

  uploadNative(filePath: string, url: string): Promise<PageResult & { progressEvents: number }> {
    return this.page.evaluate(([f, u]) => window.benchPage.uploadNative(f, u), [filePath, url] as const);
  }

  /** Control: reads the Blob into an ArrayBuffer and keeps it (resolves with its length); `release()` drops it. */
  readWhole(key: string): Promise<number> {
    return this.page.evaluate((k) => window.benchPage.readWhole(k), key);
  }

  release(): Promise<void> {
    return this.page.evaluate(() => window.benchPage.release());
  }

  /**
   * page clock minus Node clock (both performance.timeOrigin + performance.now()), NTP-style: the round trip
   * with the shortest time bounds the error by half of it. Returns the offset and that bound.
   */
  async clockOffset(rounds = 15): Promise<{ offset: number; error: number }> {
    let best = { offset: 0, error: Number.POSITIVE_INFINITY };
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.timeOrigin + performance.now();
      const pageNow = await this.page.evaluate(() => window.benchPage.now());
      const t1 = performance.timeOrigin + performance.now();
      const error = (t1 - t0) / 2;
      if (error < best.error) best = { offset: pageNow - (t0 + t1) / 2, error };
    }
    return best;
  }

  async collectGarbage(): Promise<void> {
    await this.cdp.send('HeapProfiler.collectGarbage');
  }

  async heap(): Promise<HeapUsage> {
    const usage = (await this.cdp.send('Runtime.getHeapUsage')) as {
      usedSize: number;
      embedderHeapUsedSize?: number;
      backingStorageSize?: number;
    };
    const embedder = usage.embedderHeapUsedSize ?? 0;
    const backingStores = usage.backingStorageSize ?? 0;
    return { v8: usage.usedSize, embedder, backingStores, all: usage.usedSize + embedder + backingStores };
  }

  async close(): Promise<void> {
    await this.browser.close();
    await this.host.close();
  }
}
