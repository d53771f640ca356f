/**
 * The hybrid demo page (demo/hybrid) as a person uses it, in headless Chromium: pick a 24 MB file, upload
 * it to the slow server, watch the bar, read the server's checksum; and cancel an upload. Screenshots go
 * to test-results/.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUploadServer } from '../../server/upload-server';
import type { UploadServer } from '../../server/types';
import { sharedChromium } from '../../emulator/ohos.web.webview/chromium';
import { sha256 } from './harness';
import { hybridIife } from './iife';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCREENSHOTS = join(ROOT, 'test-results');
const FILE_SIZE = 24 * 1024 * 1024;

interface Shown {
  percent: number;
  /** The bar's filled width, in percent of its track. */
  barPercent: number;
  bytes: string;
}

/** What the progress area shows, read in one go. */
function readProgress(page: Page): Promise<Shown> {
  return page.evaluate(() => {
    const text = (id: string): string => document.getElementById(id)?.textContent ?? '';
    const width = (id: string): number => document.getElementById(id)?.getBoundingClientRect().width ?? 0;
    return {
      percent: Number.parseInt(text('percent'), 10),
      barPercent: (width('fill') / width('bar')) * 100,
      bytes: text('bytes'),
    };
  });
}

function shownPercent(page: Page): Promise<number> {
  return page.evaluate(() => Number.parseInt(document.getElementById('percent')?.textContent ?? '', 10));
}

describe('hybrid demo page', () => {
  let server: UploadServer;
  let page: Page;
  const bytes = randomBytes(FILE_SIZE);
  const pageErrors: string[] = [];

  // Handing 24 MB to the file input is one long message to Chromium: allow for a busy machine.
  beforeAll(async () => {
    const script = await hybridIife();
    console.info(`demo page test: the hybrid script from ${script.origin} (${script.path})`);
    server = await startUploadServer({
      staticDir: join(ROOT, 'demo/hybrid'),
      // index.html loads ../../dist/hybrid/...: from the server's root that is /dist/hybrid/...
      staticFiles: { '/dist/hybrid/harmony-upload-task.iife.js': script.path },
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
    // One page for both tests: handing 24 MB to the file input takes seconds, and the pick stays.
    page = await (await sharedChromium()).newPage({ viewport: { width: 720, height: 760 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${server.origin}/`);
    await page.setInputFiles('#file', { name: 'holiday.mp4', mimeType: 'video/mp4', buffer: bytes });
    await page.check('#slow');
  }, 60000);

  afterAll(async () => {
    // The page's own context goes with it; the browser is the worker's (sharedChromium).
    await page?.close();
    await server?.close();
    expect(pageErrors).toEqual([]);
  });

  it("uploads the picked file with a live progress bar, then shows the server's sha256 of it", async () => {
    await expect.poll(() => page.textContent('#file-name')).toBe('holiday.mp4 · 24.0 MB');
    await page.click('#upload');

    await page.waitForFunction(() => {
      const percent = Number.parseInt(document.getElementById('percent')?.textContent ?? '', 10);
      return percent >= 10 && percent < 90;
    });
    const mid = await readProgress(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'hybrid-demo-uploading.png') });
    expect(mid.percent).toBeGreaterThan(0);
    expect(mid.percent).toBeLessThan(100);
    expect(Math.abs(mid.barPercent - mid.percent)).toBeLessThan(0.5);
    expect(mid.bytes).toMatch(/^\d+\.\d MB of 24\.0 MB$/);
    expect(await page.isEnabled('#cancel')).toBe(true);

    await page.waitForSelector('#result[data-state="success"]', { timeout: 60000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'hybrid-demo-done.png') });
    expect(await page.textContent('#status')).toBe('200');
    expect(await page.textContent('#sha256')).toBe(sha256(bytes));
    const done = await readProgress(page);
    expect(done).toEqual({ percent: 100, barPercent: 100, bytes: '24.0 MB of 24.0 MB' });
    expect(await page.isEnabled('#cancel')).toBe(false);
  }, 60000);

  it('cancel mid-upload shows uploadFile:fail abort, and the server sees the upload end', async () => {
    const before = server.records.length;
    await expect.poll(() => page.isEnabled('#upload')).toBe(true);
    await page.click('#upload');
    await expect.poll(() => shownPercent(page)).toBeGreaterThan(0);
    await page.click('#cancel');

    await page.waitForSelector('#result[data-state="fail"]');
    await page.screenshot({ path: join(SCREENSHOTS, 'hybrid-demo-cancelled.png') });
    expect(await page.textContent('#result-title')).toBe('Cancelled.');
    expect(await page.textContent('#errmsg')).toBe('uploadFile:fail abort');
    expect(await shownPercent(page)).toBeLessThan(100);
    const rec = await server.waitFor((r) => server.records.indexOf(r) >= before && r.closedAt !== undefined, 5000);
    expect(rec).toMatchObject({ clientAborted: true, bodyComplete: false });
    expect(await page.isEnabled('#upload')).toBe(true);
  }, 30000);
});
