// A Node module resolve hook: platform module names resolve to the emulation (see platform-modules.mjs).
import { platformModules } from './platform-modules.mjs';

export async function resolve(specifier, context, next) {
  const target = platformModules[specifier];
  if (target) return next(target.href, context);
  return next(specifier, context);
}
