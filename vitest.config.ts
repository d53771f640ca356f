import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
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
 * Integration files spend much of their time waiting on sockets, servers and Chromium, so they run several
 * at a time even on two cores (vitest's default is one worker less than the cores: a single worker there).
 * A worker process runs file after file (`isolate: false`): Node's packages and one Chromium are loaded
 * once per worker. test/fresh-modules.ts loads this project's modules anew for each file, so every file
 * has its own library state, emulated device, sandbox and upload server on a free port, and its own
 * browser contexts. INTEGRATION_WORKERS overrides the number.
 */
const integrationWorkers = Number(process.env.INTEGRATION_WORKERS) || 7;

/**
 * The slowest integration files, longest first (their durations in a whole run on two cores), except that
 * the three stress files, which compute, start among the first ones, which mostly wait; started in this
 * order so that none of them is left running alone at the end. Vitest's own order (by the durations it
 * cached from earlier runs) follows any run, a single file's with a filter too; this one is the same on
 * every machine. `npm test` prints the stage's time: a file that grows slow joins the list.
 */
const SLOWEST_FIRST = [
  'test/arkts/stress.test.ts',
  'test/arkts/contract.test.ts',
  'test/bridge/stress.test.ts',
  'test/arkts/sources.test.ts',
  'test/hybrid/stress.test.ts',
  'test/arkts/background-contract.test.ts',
  'test/bridge/hostile.test.ts',
  'test/bridge/events.test.ts',
  'test/taro/taro-hybrid.test.ts',
  'test/bridge/security.test.ts',
  'test/arkts/faults.test.ts',
  'test/bridge/fail-closed.test.ts',
  'test/hybrid/demo-page.test.ts',
  'test/bridge/files.test.ts',
  'test/arkts/files.test.ts',
  'test/hybrid/contract.test.ts',
  'test/bridge/sources.test.ts',
  'test/arkts/background-device.test.ts',
  'test/taro/taro-harmony.test.ts',
  'test/bridge/contract.test.ts',
];

class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (spec: TestSpecification): number => {
      const i = SLOWEST_FIRST.findIndex((path) => spec.moduleId.endsWith(`/${path}`));
      return i < 0 ? SLOWEST_FIRST.length : i;
    };
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  resolve: { alias },
  test: {
    pool: 'forks',
    sequence: { sequencer: SlowestFirst },
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
          isolate: false,
          setupFiles: ['test/fresh-modules.ts'],
          // Room for a machine that several files (or other work) keep busy; a hang still fails.
          testTimeout: 60000,
          hookTimeout: 60000,
        },
      },
    ],
  },
});
