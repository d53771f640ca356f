/**
 * Debian's Chromium, driven by playwright-core, which downloads no browser of its own (playwright's browser
 * downloads need network access, which CI and sandboxed machines may not have). The flags keep it off the
 * network: without the background-networking ones it keeps trying to reach Google's hosts, and where
 * outside connections are refused that only adds noise and delay.
 */
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  try {
    return await chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS });
  } catch (err) {
    const hint = `cannot start Chromium at ${CHROMIUM_PATH} (install Debian's chromium: bash scripts/ensure-chromium.sh, or set CHROMIUM_PATH)`;
    throw new Error(`${hint}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Where the shared Chromium is kept: on the global object, so that it outlives a reload of this module. */
const SHARED = Symbol.for('harmony-upload-task/emulator/shared-chromium');

/**
 * One Chromium for the whole process, started on first use, for callers that each work in browser contexts
 * of their own and leave the browser open. Test files that share a worker process (and load this module
 * anew each) get the same browser, so it starts once per process; one that finds it closed or crashed gets
 * a new one. It ends with the process (Playwright stops the browsers it started as the process exits, and
 * Chromium stops when the pipe to it closes).
 */
export async function sharedChromium(): Promise<Browser> {
  const holder = globalThis as { [SHARED]?: Promise<Browser> };
  const running = holder[SHARED];
  if (running) {
    const browser = await running.catch(() => undefined);
    if (browser?.isConnected()) return browser;
  }
  const launched = launchChromium();
  holder[SHARED] = launched;
  return launched;
}

/**
 * Closes the idle keep-alive connections of a browser context, through chrome://net-internals (the one
 * switch Chromium offers for it). The browser keeps finished requests' connections for reuse; once they
 * are closed, a connection the server still sees is held by a request that is still running.
 */
export class IdleSocketCloser {
  private constructor(private readonly page: Page) {}

  static async open(context: BrowserContext): Promise<IdleSocketCloser> {
    const page = await context.newPage();
    await page.goto('chrome://net-internals/#sockets');
    return new IdleSocketCloser(page);
  }

  async closeIdleSockets(): Promise<void> {
    await this.page.click('#sockets-view-close-idle-button', { timeout: 5000 });
  }
}
