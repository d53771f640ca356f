/**
 * The Node side of the page tests: builds the test page's script with esbuild, serves it from the page
 * host, opens it in headless Chromium, and calls what the page exposes (page-api.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import type { Recording, Scenario } from '../contract/driver';
import { IdleSocketCloser, sharedChromium } from '../../emulator/ohos.web.webview/chromium';
import { BLOB_REF } from './page-api';
import type { EngineCounts, LoadFileOptions, RawOutcome, UrlMaker, UrlRevoker, XhrCounts } from './page-api';
import { startPageHost } from '../../server/page-host';
import type { PageHost } from '../../server/page-host';

const ENTRY = fileURLToPath(new URL('./page-entry.ts', import.meta.url));

// The first script keeps the two blob: URL functions as they are before the library loads (and wraps them).
const PAGE_HTML =
  '<!doctype html><meta charset="utf-8"><title>harmony-upload-task page tests</title>' +
  '<script>window.beforeLibrary = { createObjectURL: URL.createObjectURL, revokeObjectURL: URL.revokeObjectURL };</script>' +
  '<script src="/harness.js"></script><input type="file">';

export interface PageFile {
  /** `blobref:<key>`: the filePath that the page swaps for the Blob or File. */
  filePath: string;
  key: string;
  size: number;
  sha256: string;
}

export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Where the page script is kept: on the global object, so that it outlives a reload of this module. */
const PAGE_SCRIPT = Symbol.for('harmony-upload-task/test/page-script');

/**
 * The test page's script: an IIFE of page-entry.ts and what it imports (src/hybrid, the driver). Built
 * once per process: every page of every test file that the process runs gets the same script (the
 * sources do not change during a run).
 */
export function buildPageScript(): Promise<string> {
  const holder = globalThis as { [PAGE_SCRIPT]?: Promise<string> };
  holder[PAGE_SCRIPT] ??= bundlePageScript();
  return holder[PAGE_SCRIPT];
}

async function bundlePageScript(): Promise<string> {
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

export interface HarnessOptions {
  /**
   * Runs once the page exists and before it loads the test page: the bridge tests attach the ArkWeb
   * controller stand-in there, as an app attaches its bridge before the Web component loads.
   */
  beforeLoad?: (page: Page, origin: string) => Promise<void>;
}

export class Harness {
  /** Uncaught exceptions in the page: each is a bug. */
  readonly pageErrors: string[] = [];
  private files = 0;

  private cdp: CDPSession | undefined;
  private blobInternals: Page | undefined;
  private pickedDir: string | undefined;

  private constructor(
    private readonly context: BrowserContext,
    readonly page: Page,
    readonly host: PageHost,
    private readonly idleSockets: IdleSocketCloser,
  ) {
    page.on('pageerror', (err) => this.pageErrors.push(err.message));
  }

  static async start(options: HarnessOptions = {}): Promise<Harness> {
    const script = await buildPageScript();
    const host = await startPageHost({
      '/': { contentType: 'text/html; charset=utf-8', body: PAGE_HTML },
      '/other.html': { contentType: 'text/html; charset=utf-8', body: PAGE_HTML },
      '/harness.js': { contentType: 'text/javascript; charset=utf-8', body: script },
    });
    // The file's one Chromium; each page is in a browser context of its own (cookies, caches, connections).
    const context = await (await sharedChromium()).newContext();
    const page = await context.newPage();
    await options.beforeLoad?.(page, host.origin);
    await page.goto(`${host.origin}/`);
    await page.waitForFunction(() => window.harness !== undefined);
    return new Harness(context, page, host, await IdleSocketCloser.open(context));
  }

  async close(): Promise<void> {
    await this.context.close();
    await this.host.close();
    if (this.pickedDir) rmSync(this.pickedDir, { recursive: true, force: true });
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
    return { filePath: BLOB_REF + key, key, size, sha256: sha256(bytes) };
  }

  /**
   * Random bytes in a file on disk, chosen in the page's file input as a person would: the File the page
   * gets is backed by that file, as a picker's is.
   */
  async pickFile(size: number): Promise<PageFile> {
    const bytes = randomBytes(size);
    const key = `f${++this.files}`;
    this.pickedDir ??= mkdtempSync(join(tmpdir(), 'page-picked-'));
    const path = join(this.pickedDir, `${key}.bin`);
    writeFileSync(path, bytes);
    await this.page.setInputFiles('input[type=file]', path);
    const picked = await this.page.evaluate((k) => window.harness.pickedFile(k), key);
    if (picked !== size) throw new Error(`the page holds ${picked} bytes of ${size}`);
    return { filePath: BLOB_REF + key, key, size, sha256: sha256(bytes) };
  }

  blobUrl(key: string, maker: UrlMaker = 'page'): Promise<string> {
    return this.page.evaluate(([k, m]) => window.harness.blobUrl(k, m), [key, maker] as const);
  }

  unheldBlobUrl(key: string): Promise<string> {
    return this.page.evaluate((k) => window.harness.unheldBlobUrl(k), key);
  }

  revokedBlobUrl(revoker: UrlRevoker = 'page'): Promise<string> {
    return this.page.evaluate((r) => window.harness.revokedBlobUrl(r), revoker);
  }

  /** A full garbage collection in the page (V8's, over CDP): WeakRefs to what nothing else holds are cleared. */
  async collectGarbage(): Promise<void> {
    this.cdp ??= await this.context.newCDPSession(this.page);
    await this.cdp.send('HeapProfiler.collectGarbage');
  }

  /**
   * The bytes of the "data" items of every blob chrome://blob-internals lists: what Chromium's blob
   * storage holds in memory, or more (a slice lists the items it shares with its Blob again; compare the
   * growth, not the level). A File from a file input is a "file" item there, and so are its slices: a
   * Blob read back from a URL is built from the bytes read, in data items.
   */
  async blobStorageMemory(): Promise<number> {
    if (this.blobInternals) await this.blobInternals.reload();
    else {
      this.blobInternals = await this.context.newPage();
      await this.blobInternals.goto('chrome://blob-internals');
    }
    // biome-ignore lint/performance/useDomNodeTextContent: textContent would run a length into the next blob's id
    const text = await this.blobInternals.innerText('body');
    let total = 0;
    for (const m of text.matchAll(/Type: data\s+Length: ([\d,]+)/g)) total += Number(m[1].replaceAll(',', ''));
    return total;
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

  runInSequence(scenarios: Scenario[]): Promise<Recording[]> {
    return this.page.evaluate((s) => window.harness.runInSequence(s), scenarios);
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
