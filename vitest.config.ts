import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { platformModules } from './emulator/platform-modules.mjs';

/**
 * The ArkTS adapter imports the platform's modules by their real names; under Node they are bound to
 * the emulator (emulator/), which uploads over real HTTP.
 *
 * Two projects: `unit`, the engine's logic over scripted transports and fake timers (seconds, no network),
 * and `integration`, every target over real HTTP, the emulator's and the servers' own tests.
 */
const alias = Object.fromEntries(Object.entries(platformModules).map(([name, url]) => [name, fileURLToPath(url)]));

/**
 * Integration files spend most of their time waiting on sockets, servers and Chromium, not computing, so
 * they run several at a time even on two cores (vitest's default is one worker less than the cores: a
 * single worker there). Each file is a process of its own with its own emulated device and upload server
 * on a free port, and a Chromium of its own where it needs one.
 * INTEGRATION_WORKERS overrides the number.
 */
const integrationWorkers = Number(process.env.INTEGRATION_WORKERS) || 6;

export default defineConfig({
  resolve: { alias },
  test: {
    pool: 'forks',
    // Listeners that throw on purpose are reported by the library with console.error; keep the output readable.
    onConsoleLog: (log: string) => !log.includes('(expected by the test)'),
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/core/**/*.test.ts'], testTimeout: 5000 },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts', 'emulator/**/*.test.ts', 'server/**/*.test.ts'],
          exclude: ['test/core/**'],
          maxWorkers: integrationWorkers,
          // Room for a machine that several files (or other work) keep busy; a hang still fails.
          testTimeout: 60000,
          hookTimeout: 60000,
        },
      },
    ],
  },
});
