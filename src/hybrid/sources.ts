/** Which way an upload goes, from its source: the page itself, or the native side over the bridge. */
import { parameterError, shorten } from '../core/errors';
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

const ROUTE_WORDS: Record<Route, string> = {
  page: 'web data (a Blob, a File, a blob: or data: URL), which the page sends',
  native: 'a native path, which the native side sends',
};

export const hybridSourceRules: SourceRules<HybridSource> = {
  read(value, field) {
    if (isBlob(value) || (typeof value === 'string' && PAGE_URL.test(value))) return { ok: true, value };
    const problem = checkPathString(value, 'String or Blob', field);
    if (problem) return { ok: false, reason: problem };
    const path = value as string;
    if (!NATIVE_PATH.test(path)) {
      return {
        ok: false,
        reason: `invalid ${field} "${shorten(path)}": use a Blob or File, a blob: or data: URL, or a native path (internal://cache|files|temp/..., file://..., /data/storage/...)`,
      };
    }
    return { ok: true, value: path };
  },
  /**
   * One request comes from one side: the page's XMLHttpRequest cannot read a native file, and the native
   * side cannot read the page's Blobs. A `files` upload that lists both is refused, naming the first entry
   * that differs from the first.
   */
  together(sources) {
    const route = routeOf(sources[0]);
    const other = sources.findIndex((s) => routeOf(s) !== route);
    if (other < 0) return undefined;
    return parameterError(
      `parameter.files[${other}].filePath is ${ROUTE_WORDS[routeOf(sources[other])]}, and parameter.files[0].filePath ${ROUTE_WORDS[route]}: one upload sends either, not both`,
    );
  },
  fileName(source) {
    if (typeof source !== 'string')
      return typeof File !== 'undefined' && source instanceof File && source.name ? source.name : 'blob';
    return PAGE_URL.test(source) ? 'blob' : baseName(source);
  },
};
