/** The machine the numbers come from: printed above the table. */
import { execFileSync } from 'node:child_process';
import { cpus, freemem, release, totalmem } from 'node:os';

/**
 * As emulator/ohos.web.webview/chromium.ts, without importing it: that module loads playwright-core, and the figures'
 * processes must not (see bench/run.ts).
 */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Machine {
  cpuCount: number;
  cpuModel: string;
  memory: string;
  os: string;
  node: string;
  chromium: string;
}

function chromiumVersion(): string {
  try {
    return execFileSync(CHROMIUM_PATH, ['--version'], {
      encoding: 'utf8',
      timeout: 20000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch (err) {
    return `not found at ${CHROMIUM_PATH}`;
  }
}

export function describeMachine(): Machine {
  const list = cpus();
  const gb = (n: number): string => `${(n / 1024 ** 3).toFixed(1)} GB`;
  return {
    cpuCount: list.length,
    cpuModel: list[0]?.model ?? 'unknown',
    memory: `${gb(totalmem())} (${gb(freemem())} free at start)`,
    os: `${process.platform} ${release()} ${process.arch}`,
    node: process.version,
    chromium: chromiumVersion(),
  };
}
