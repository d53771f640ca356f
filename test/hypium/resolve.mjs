// The module resolve hook of the hypium run (registered by register.mjs), for the compiled suites:
// - platform module names (@kit.*, @ohos.*) -> the @ohos.request emulation, as for vitest and the demo;
// - 'harmony-upload-task' -> the compiled ./harmony-upload-task.ets (./Index.ets, then src/arkts), which
//   is where the ArkTS compiler's module resolution took it (not package.json's dist build);
// - extensionless relative imports ('./UploadSuccess.test', and @ohos/hypium's own './src/main/core')
//   -> the .js file, as the ArkTS runtime does and Node's ES module loader does not.
import { platformModules } from '../../emulator/platform-modules.mjs';

const BUILD = new URL('../../build/hypium/', import.meta.url);
const LIBRARY = new URL('harmony-upload-task.js', BUILD);
const HYPIUM = new URL('../../node_modules/@ohos/hypium/', import.meta.url);

function needsJsExtension(specifier, parentURL) {
  if (!/^\.{1,2}\//.test(specifier) || /\.(m|c)?js$/.test(specifier)) return false;
  return parentURL !== undefined && (parentURL.startsWith(BUILD.href) || parentURL.startsWith(HYPIUM.href));
}

export async function resolve(specifier, context, next) {
  const platform = platformModules[specifier];
  if (platform) return next(platform.href, context);
  if (specifier === 'harmony-upload-task') return next(LIBRARY.href, context);
  if (needsJsExtension(specifier, context.parentURL)) return next(`${specifier}.js`, context);
  return next(specifier, context);
}
