import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/**
 * The ArkTS adapter imports the platform's modules by their real names; under Node they are bound to
 * the @ohos.request emulation in test/emulation, which uploads over real HTTP.
 */
export const platformAliases = {
  '@kit.BasicServicesKit': here('./test/emulation/kits/BasicServicesKit.ts'),
  '@kit.CoreFileKit': here('./test/emulation/kits/CoreFileKit.ts'),
  '@kit.AbilityKit': here('./test/emulation/kits/AbilityKit.ts'),
  '@ohos.request': here('./test/emulation/ohos-request.ts'),
  '@ohos.file.fs': here('./test/emulation/ohos-file-fs.ts'),
};

export default defineConfig({
  resolve: { alias: platformAliases },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30000,
    hookTimeout: 30000,
    pool: 'forks',
    // Listeners that throw on purpose are reported by the library with console.error; keep the output readable.
    onConsoleLog: (log: string) => !log.includes('(expected by the test)'),
  },
});
