/**
 * The application context @ohos.request needs: the per-call `context` option, else the one given to
 * configure(), else ArkUI's getContext() when called from a page.
 */
import type { common } from '@kit.AbilityKit';
import { UploadFailure } from './platform-errors';

let configured: common.Context | undefined;

export function setDefaultContext(context: common.Context | undefined): void {
  configured = context;
}

function isContext(value: unknown): value is common.Context {
  return typeof value === 'object' && value !== null && typeof (value as { cacheDir?: unknown }).cacheDir === 'string';
}

/**
 * ArkUI's global getContext(), where the runtime has it (a page); looked up on globalThis so that this module
 * also loads elsewhere.
 */
function ambientContext(): common.Context | undefined {
  const getContext = (globalThis as { getContext?: unknown }).getContext;
  if (typeof getContext !== 'function') return undefined;
  try {
    const context: unknown = getContext();
    return isContext(context) ? context : undefined;
  } catch (err) {
    return undefined;
  }
}

export function resolveContext(option: unknown): common.Context {
  if (option !== undefined && option !== null) {
    if (isContext(option)) return option;
    throw new UploadFailure('parameter error: parameter.context should be an application Context (with cacheDir)');
  }
  const context = configured ?? ambientContext();
  if (!context) {
    throw new UploadFailure(
      'no application context: call configure({ context }) once (for example with this.context in your UIAbility), or pass { context } to uploadFile',
    );
  }
  return context;
}
