/** Which way an upload goes, from its source: the page itself, or the native side over the bridge. */
import { shorten } from '../core/errors';
import { baseName } from '../core/mime';
import { checkPathString } from '../core/options';
import type { SourceRules } from '../core/options';
import type { HybridSource } from './types';

export type Route = 'page' | 'native';

/** What the native side takes (src/arkts/files.ts): sandbox paths, file:// URIs, three internal:// forms. */
const NATIVE_PATH = /^(internal:\/\/(cache|files|temp)\/|file:\/\/|\/)/;
const PAGE_URL = /^(blob:|data:)/i;

export function isBlob(value: unknown): value is Blob {
  return typeof Blob !== 'undefined' && value instanceof Blob;
}

export function routeOf(source: HybridSource): Route {
  return typeof source === 'string' && !PAGE_URL.test(source) ? 'native' : 'page';
}

export const hybridSourceRules: SourceRules<HybridSource> = {
  read(options) {
    const value = options.filePath;
    if (isBlob(value) || (typeof value === 'string' && PAGE_URL.test(value))) return { ok: true, value };
    const problem = checkPathString(value, 'String or Blob');
    if (problem) return { ok: false, reason: problem };
    const path = value as string;
    if (!NATIVE_PATH.test(path)) {
      return {
        ok: false,
        reason: `invalid filePath "${shorten(path)}": use a Blob or File, a blob: or data: URL, or a native path (internal://cache|files|temp/..., file://..., /data/storage/...)`,
      };
    }
    return { ok: true, value: path };
  },
  fileName(source) {
    if (typeof source !== 'string')
      return typeof File !== 'undefined' && source instanceof File && source.name ? source.name : 'blob';
    return PAGE_URL.test(source) ? 'blob' : baseName(source);
  },
};
