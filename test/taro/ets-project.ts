/**
 * Runs, in Node, the JavaScript that `taro build --type harmony` writes into the ETS project: the app's and
 * the page's modules (`app/index_taro_comp.js`, `pages/index/index/index_taro_comp.js`) and what they
 * import, Taro's ArkTS runtime and its API object (`npm/@tarojs/...`, TypeScript sources), bundled by
 * esbuild as they are. The .ets files (ArkUI components and the UIAbility) are not run: they need ArkUI.
 *
 * What the device would provide instead:
 * - `@ohos.request`, `@ohos.file.fs`: the emulation, left as imports for vitest's aliases, so that Taro's
 *   modules, the library and the test share one emulated device;
 * - `harmony-upload-task`: this repository's ArkTS entry (src/arkts/index.ts, which Index.ets re-exports),
 *   as ohpm would install it for the project;
 * - the other platform modules Taro imports: stand-ins whose functions throw "not available off the
 *   device" when called, except the few values Taro's modules read while loading (STAND_INS), which are
 *   inert;
 * - ArkUI globals read while loading: `Observed` (a class decorator: here it returns the class),
 *   `BorderStyle`, `CanvasRenderingContext2D`; and `getContext()`, which gives the emulated app's context;
 * - `@tarojs/react` (the reconciler, used only to render) is an empty object: its 4.2.0 build imports
 *   `setInnerHTML` and `eventHandlerTTDom` from the harmony runtime, which does not export them, so it does
 *   not link outside the ArkTS toolchain. Neither module calls it while loading or uploading.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { common } from '@kit.AbilityKit';
import { build } from 'esbuild';
import type { Plugin } from 'esbuild';

const LIBRARY_ENTRY = fileURLToPath(new URL('../../src/arkts/index.ts', import.meta.url));
const EMULATED = new Set(['@ohos.request', '@ohos.file.fs']);
const PLATFORM = /^@(ohos|system|hmscore|kit)[./]/;
const STAND_IN = 'taro-harmony-stand-in';
/** Where the bundle's stand-in modules find standIn(). */
const STAND_IN_GLOBAL = '__taroHarmonyStandIn';

/** Inert values for what Taro's modules read from platform modules while they load. */
const STAND_INS: Record<string, Record<string, unknown>> = {
  '@ohos.display': {
    getDefaultDisplaySync: () => ({ width: 1260, height: 2720, densityPixels: 3.5, scaledDensity: 3.5 }),
  },
  '@ohos.inputMethodEngine': { getInputMethodAbility: () => ({ on: () => undefined, off: () => undefined }) },
  '@system.app': {
    getInfo: () => ({ appID: 'taro-upload-fixture', appName: 'taro-upload-fixture', versionName: '1.0.0' }),
  },
  '@ohos.file.picker': { PhotoSelectOptions: class PhotoSelectOptions {} },
};

/** A platform module off the device: what it has of STAND_INS, and functions that say they are absent. */
function standIn(name: string): object {
  const known = STAND_INS[name] ?? {};
  return new Proxy(known, {
    get(target, key) {
      if (typeof key !== 'string' || key === '__esModule' || key === 'then') return undefined;
      if (key in target) return target[key];
      return () => {
        throw new Error(`${name}.${key} is not available off the device`);
      };
    },
  });
}

/** ArkUI's globals that the modules need, and the platform stand-ins the bundle asks for. */
export function installArkUiGlobals(context: common.Context): void {
  const g = globalThis as Record<string, unknown>;
  g.Observed = <T>(target: T): T => target;
  g.BorderStyle = { Dotted: 0, Dashed: 1, Solid: 2 };
  g.CanvasRenderingContext2D = class CanvasRenderingContext2D {};
  g.getContext = () => context;
  g[STAND_IN_GLOBAL] = standIn;
}

function etsResolution(ets: string): Plugin {
  return {
    name: 'taro-ets-project',
    setup(b) {
      b.onResolve({ filter: /^harmony-upload-task$/ }, () => ({ path: LIBRARY_ENTRY, external: true }));
      b.onResolve({ filter: PLATFORM }, (args) =>
        EMULATED.has(args.path) ? { path: args.path, external: true } : { path: args.path, namespace: STAND_IN },
      );
      // The emitted modules name npm/ relative to the .ets file that loads them: it is the one at ets/npm.
      b.onResolve({ filter: /^(\.\.?\/)+npm\// }, (args) => {
        const rest = args.path.replace(/^(\.\.?\/)+npm\//, '');
        if (rest === '@tarojs/react') return { path: rest, namespace: STAND_IN };
        return b.resolve(`./${rest}`, { resolveDir: join(ets, 'npm'), kind: args.kind });
      });
      b.onLoad({ filter: /.*/, namespace: STAND_IN }, (args) => ({
        contents:
          args.path === '@tarojs/react'
            ? 'module.exports = {};'
            : `module.exports = globalThis.${STAND_IN_GLOBAL}(${JSON.stringify(args.path)});`,
        loader: 'js',
      }));
    },
  };
}

export interface EtsModules {
  /** The page module: `pages/index/index/index_taro_comp.js`. */
  page: string;
  /** The app module: `app/index_taro_comp.js`. */
  app: string;
}

/** Bundles the emitted app and page modules, sharing Taro's modules, into `outDir`; returns their paths. */
export async function bundleEtsModules(ets: string, outDir: string): Promise<EtsModules> {
  await build({
    entryPoints: {
      page: join(ets, 'pages/index/index/index_taro_comp.js'),
      app: join(ets, 'app/index_taro_comp.js'),
    },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2021',
    outdir: outDir,
    mainFields: ['module', 'main'],
    resolveExtensions: ['.ts', '.js', '.ets'],
    loader: { '.ets': 'ts' },
    // Taro's runtime classes carry ArkUI decorators (@Observed): compiled as TypeScript's decorators.
    tsconfigRaw: { compilerOptions: { experimentalDecorators: true } },
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [etsResolution(ets)],
    logLevel: 'silent',
  });
  return { page: join(outDir, 'page.js'), app: join(outDir, 'app.js') };
}
