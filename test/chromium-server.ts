/**
 * The integration run's global setup: one Chromium for the whole run. Test files connect to it
 * (launchChromium() reads the endpoint from the environment) and open browser contexts of their own, so
 * pages, cookies and caches stay apart while the browser starts once instead of once per file.
 */
import type { BrowserServer } from 'playwright-core';
import { CHROMIUM_ENDPOINT_VARIABLE, startChromiumServer } from '../emulator/ohos.web.webview/chromium';

let server: BrowserServer | undefined;

export async function setup(): Promise<void> {
  if (process.env[CHROMIUM_ENDPOINT_VARIABLE]) return;
  server = await startChromiumServer();
  process.env[CHROMIUM_ENDPOINT_VARIABLE] = server.wsEndpoint();
}

export async function teardown(): Promise<void> {
  if (!server) return;
  delete process.env[CHROMIUM_ENDPOINT_VARIABLE];
  await server.close();
}
