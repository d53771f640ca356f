/** Which way an upload goes, from its source: the page itself, or the native side over the bridge. */
import { parameterError, typeName } from '../core/errors';
import { baseName } from '../core/mime';
import type { SourceRules } from '../core/options';
import type { HybridSource } from './types';

export type Route = 'page' | 'native';

const NATIVE_PATH = /^(internal:\/\/cache\/|file:\/\/|\/)/;
const PAGE_URL = /^(blob:|data:)/i;

function isBlob(value: unknown): value is Blob {
  return typeof Blob !== 'undefined' && value instanceof Blob;
}

export function routeOf(source: HybridSource): Route {
  return typeof source === 'string' && !PAGE_URL.test(source) ? 'native' : 'page';
}

export const hybridSourceRules: SourceRules<HybridSource> = {
  check(value) {
    if (isBlob(value)) return undefined;
    if (typeof value !== 'string') return parameterError(`parameter.filePath should be String or Blob instead of ${typeName(value)}`);
    if (value === '') return parameterError('parameter.filePath should be a non-empty String');
    if (PAGE_URL.test(value)) return undefined;
    if (/[\0\r\n]/.test(value)) return parameterError('parameter.filePath must not contain NUL, CR or LF');
    if (!NATIVE_PATH.test(value)) {
      return `invalid filePath "${value.length > 80 ? `${value.slice(0, 77)}...` : value}": use a Blob or File, a blob: or data: URL, or a native path (internal://cache/..., file://..., /data/storage/...)`;
    }
    return undefined;
  },
  fileName(source) {
    if (typeof source !== 'string') return typeof File !== 'undefined' && source instanceof File && source.name ? source.name : 'blob';
    return PAGE_URL.test(source) ? 'blob' : baseName(source);
  },
};
