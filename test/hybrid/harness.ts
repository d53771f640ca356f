/**
 * The Node side of the page tests: builds the test page's script with esbuild, serves it from the page
 * host, opens it in headless Chromium, and calls what the page exposes (page-api.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import type { Recording, Scenario } from '../contract/driver';
import { IdleSocketCloser, launchChromium } from '../../emulator/ohos.web.webview/chromium';
import { BLOB_REF } from './page-api';
import type { EngineCounts, LoadFileOptions, RawOutcome, XhrCounts } from './page-api';
import { startPageHost } from '../../server/page-host';
import type { PageHost } from '../../server/page-host';

const ENTRY = fileURLToPath(new URL('./page-entry.ts', import.meta.url));

const PAGE_HTML =
  '<!doctype html><meta charset="utf-8"><title>harmony-upload-task page tests</title><script src="/harness.js"></script>';

export interface PageFile {
  /** `blobref:<key>`: the filePath that the page swaps for the Blob or File. */
  filePath: string;
  key: string;
  size: number;
  sha256: string;
  bytes: Buffer;
}

export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The test page's script: an IIFE of page-entry.ts and what it imports (src/hybrid, the driver). */
export async function buildPageScript(): Promise<string> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2021',
    write: false,
    sourcemap: 'inline',
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

export class Harness {
  /** Uncaught exceptions in the page: each is a bug. */
  readonly pageErrors: string[] = [];
  private files = 0;

  private constructor(
    private readonly browser: Browser,
    readonly page: Page,
    readonly host: PageHost,
    private readonly idleSockets: IdleSocketCloser,
  ) {
    page.on('pageerror', (err) => this.pageErrors.push(err.message));
  }

  /**
   * `beforeLoad` runs once the page exists and before it loads the test page: the bridge tests attach
   * the ArkWeb controller stand-in there, as an app attaches its bridge before the Web component loads.
   */
  static async start(options: { beforeLoad?: (page: Page, origin: string) => Promise<void> } = {}): Promise<Harness> {
    const script = await buildPageScript();
    const host = await startPageHost({
      '/': { contentType: 'text/html; charset=utf-8', body: PAGE_HTML },
      '/other.html': { contentType: 'text/html; charset=utf-8', body: PAGE_HTML },
      '/harness.js': { contentType: 'text/javascript; charset=utf-8', body: script },
    });
    const browser = await launchChromium();
    const context = await browser.newContext();
    const page = await context.newPage();
    await options.beforeLoad?.(page, host.origin);
    await page.goto(`${host.origin}/`);
    await page.waitForFunction(() => window.harness !== undefined);
    return new Harness(browser, page, host, await IdleSocketCloser.open(context));
  }

  async close(): Promise<void> {
    await this.browser.close();
    await this.host.close();
  }

  /** Random bytes kept in the page as a Blob (or a File when fileName is given). */
  async addFile(size: number, options: LoadFileOptions = {}): Promise<PageFile> {
    const bytes = randomBytes(size);
    const key = `f${++this.files}`;
    const url = this.host.offer(bytes);
    const loaded = await this.page.evaluate(([k, u, o]) => window.harness.loadFile(k, u, o), [
      key,
      url,
      options,
    ] as const);
    if (loaded !== size) throw new Error(`the page holds ${loaded} bytes of ${size}`);
    return { filePath: BLOB_REF + key, key, size, sha256: sha256(bytes), bytes };
  }

  blobUrl(key: string): Promise<string> {
    return this.page.evaluate((k) => window.harness.blobUrl(k), key);
  }

  revokedBlobUrl(): Promise<string> {
    return this.page.evaluate(() => window.harness.revokedBlobUrl());
  }

  releaseFiles(): Promise<void> {
    return this.page.evaluate(() => window.harness.releaseFiles());
  }

  run(scenario: Scenario): Promise<Recording> {
    return this.page.evaluate((s) => window.harness.run(s), scenario);
  }

  runMany(scenarios: Scenario[]): Promise<Recording[]> {
    return this.page.evaluate((s) => window.harness.runMany(s), scenarios);
  }

  configure(settings: { maxConcurrent?: number }): Promise<void> {
    return this.page.evaluate((s) => window.harness.configure(s), settings);
  }

  uploadStats(): Promise<EngineCounts> {
    return this.page.evaluate(() => window.harness.uploadStats());
  }

  xhrCounts(): Promise<XhrCounts> {
    return this.page.evaluate(() => window.harness.xhrCounts());
  }

  resetXhrPeak(): Promise<void> {
    return this.page.evaluate(() => window.harness.resetXhrPeak());
  }

  async takeUnhandledRejections(): Promise<number> {
    // The browser reports a rejection left unhandled after the task that made it: give it a moment.
    await new Promise((r) => setTimeout(r, 50));
    return this.page.evaluate(() => window.harness.takeUnhandledRejections());
  }

  rawUpload(options: unknown, hangMs = 8000): Promise<RawOutcome> {
    return this.page.evaluate(([o, h]) => window.harness.rawUpload(o, h), [options, hangMs] as const);
  }

  hasBridge(): Promise<boolean> {
    return this.page.evaluate(() => window.harness.hasBridge());
  }

  /** Drops the browser's idle keep-alive connections, so that the server's socket count means something. */
  closeIdleSockets(): Promise<void> {
    return this.idleSockets.closeIdleSockets();
  }
}
