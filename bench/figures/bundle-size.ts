/**
 * Bundle sizes, min+gzip (gzip -9 with zlib): the hybrid IIFE as rollup builds it (terser-minified), and
 * the ArkTS build (dist/arkts/index.js, platform modules external) minified by terser as rollup's plugin
 * minifies an ES output. Deterministic: the same check runs in `npm test` (test/size/bundle-size.test.ts).
 */
import { BUDGETS, measureSizes } from '../../scripts/builds';
import { builds as sharedBuilds } from '../lib/builds';
import type { Figure } from '../lib/types';

const kb = (n: number): string => `${(n / 1024).toFixed(2)} KB`;

const figure: Figure = {
  name: 'bundle-size',
  async run() {
    const builds = await sharedBuilds();
    const sizes = await measureSizes(builds);
    const from =
      builds.origin === 'dist'
        ? 'dist/ (fresh)'
        : 'a rollup build into a temporary folder (dist/ missing or older than src/)';
    return [
      {
        figure: 'bundle size, min+gzip: hybrid IIFE',
        measured: `${kb(sizes.hybridIife.gzip)} (${sizes.hybridIife.gzip} B)`,
        baseline: '-',
        result: `${sizes.hybridIife.raw} B minified`,
        target: `<= 4 KB (${BUDGETS.hybridIife} B)`,
        pass: sizes.hybridIife.gzip <= BUDGETS.hybridIife,
        runs: '1 (deterministic)',
        note:
          `From ${from}. dist/hybrid/harmony-upload-task.iife.js as built (terser via rollup, including its sourceMappingURL line), gzip level 9. ` +
          `Also checked by npm test (test/size/bundle-size.test.ts).`,
      },
      {
        figure: 'bundle size, min+gzip: ArkTS build',
        measured: `${kb(sizes.arkts.gzip)} (${sizes.arkts.gzip} B)`,
        baseline: '-',
        result: `${sizes.arkts.min} B minified, ${sizes.arkts.raw} B as built`,
        target: `<= 6 KB (${BUDGETS.arkts} B)`,
        pass: sizes.arkts.gzip <= BUDGETS.arkts,
        runs: '1 (deterministic)',
        note: `dist/arkts/index.js (everything the package's main entry exports, the bridge host included; @kit/@ohos modules external), minified with terser { module: true }, gzip level 9.`,
      },
    ];
  },
};

export default figure;
