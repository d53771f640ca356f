/**
 * Debian's Chromium, driven by playwright-core, which downloads no browser of its own (playwright's browser
 * downloads need network access, which CI and sandboxed machines may not have). The flags keep it off the
 * network: without the background-networking ones it keeps trying to reach Google's hosts, and where
 * outside connections are refused that only adds noise and delay.
 */
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, BrowserServer, Page } from 'playwright-core';

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

/**
 * The environment variable that names a running Chromium's Playwright endpoint (a `ws://` URL, from
 * `startChromiumServer()`). Where it is set, `launchChromium()` connects to that browser instead of starting
 * one: a test run starts one Chromium and every test file works in browser contexts of its own in it.
 */
export const CHROMIUM_ENDPOINT_VARIABLE = 'HARMONY_UPLOAD_CHROMIUM_WS';

function startFailure(err: unknown): Error {
  const hint = `cannot start Chromium at ${CHROMIUM_PATH} (install Debian's chromium: bash scripts/ensure-chromium.sh, or set CHROMIUM_PATH)`;
  return new Error(`${hint}: ${err instanceof Error ? err.message : String(err)}`);
}

/**
 * A Chromium to open pages in: the shared one named by `HARMONY_UPLOAD_CHROMIUM_WS` if set, else one of
 * its own. `close()` closes what the caller opened; on a shared browser it closes the caller's contexts and
 * disconnects, and the browser runs on for the others.
 */
export async function launchChromium(): Promise<Browser> {
  const endpoint = process.env[CHROMIUM_ENDPOINT_VARIABLE];
  if (endpoint) return chromium.connect(endpoint);
  try {
    return await chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS });
  } catch (err) {
    throw startFailure(err);
  }
}

/** Starts a Chromium that other processes connect to (`launchChromium()` with its `wsEndpoint()`). */
export async function startChromiumServer(): Promise<BrowserServer> {
  try {
    return await chromium.launchServer({ executablePath: CHROMIUM_PATH, args: ARGS });
  } catch (err) {
    throw startFailure(err);
  }
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
