import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { platformModules } from './emulator/platform-modules.mjs';

/**
 * The ArkTS adapter imports the platform's modules by their real names; under Node they are bound to
 * the @ohos.request emulation in emulator/, which uploads over real HTTP.
 */
const alias = Object.fromEntries(Object.entries(platformModules).map(([name, url]) => [name, fileURLToPath(url)]));

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['test/**/*.test.ts', 'emulator/**/*.test.ts', 'server/**/*.test.ts'],
    testTimeout: 30000,
    hookTimeout: 30000,
    pool: 'forks',
    // Listeners that throw on purpose are reported by the library with console.error; keep the output readable.
    onConsoleLog: (log: string) => !log.includes('(expected by the test)'),
  },
});
