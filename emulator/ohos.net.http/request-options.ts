/**
 * What `requestInStream(url, options)` makes of its arguments (communication_netstack
 * `frameworks/js/napi/http/async_context/src/request_context.cpp` `ParseParams`, `UrlAndOptions`,
 * `ParseNumberOptions`, `ParseHeader`, `ParseMultiFormData`, `NapiValue2FormData`, `SaveFormData`; the form
 * itself in `http_exec/src/http_exec.cpp` `SetMultiPartOption`, `SetFormDataOption`):
 *
 * - `header` names are lower-cased and its values turned into text; a POST, PUT or DELETE first gets
 *   `content-type: application/json`; the headers are kept in a std::map, so they are sent in name order;
 * - the form is used only when the `content-type` header is exactly `multipart/form-data` (any case, no
 *   parameters); otherwise `multiFormDataList` is silently ignored and the request has no body;
 * - a form part without `name`, or without both `data` and `filePath`, is skipped; `data` wins over
 *   `filePath`; `filePath` is handed to libcurl as it is (no URI is understood);
 * - with both `filePath` and `remoteFileName`, OpenHarmony 5.0.0 reads the whole file into memory (an
 *   ifstream into a stringstream, then copied by `curl_mime_data`), on the calling thread; without
 *   `remoteFileName` the file is streamed and the part's filename is the path's last segment;
 * - `readTimeout` and `connectTimeout` are unsigned 32-bit milliseconds, 60 000 by default, 0 for none.
 */
import { readFileSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import type http from '@ohos.net.http';
import { getSandbox } from '../sandbox';
import type { Mime, MimePart } from './mime';
import { Mime as MimeBody } from './mime';

const DEFAULT_TIMEOUT_MS = 60_000;
const GET_METHODS = new Set(['HEAD', 'OPTIONS', 'TRACE', 'GET', 'CONNECT']);
const POST_METHODS = new Set(['POST', 'PUT', 'DELETE', '']);
const MULTIPART = 'multipart/form-data';

export interface ParsedRequest {
  readonly url: string;
  readonly method: string;
  /** Lower-cased names in name order. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly readTimeoutMs: number;
  readonly connectTimeoutMs: number;
  /** The form, when the header let it through and a part was usable. */
  readonly mime: Mime | undefined;
  /** File bytes the form holds in memory (remoteFileName with filePath). */
  readonly bytesInMemory: number;
}

/** undefined: the arguments cannot be read (401). */
export function parseRequest(url: unknown, options: unknown, argumentCount: number): ParsedRequest | undefined {
  if (typeof url !== 'string') return undefined;
  if (argumentCount >= 2 && (typeof options !== 'object' || options === null)) return undefined;
  const o = (argumentCount >= 2 ? options : {}) as Record<string, unknown>;
  const method = typeof o.method === 'string' ? o.method : 'GET';
  const headers = new Map<string, string>();
  if (typeof o.header === 'object' && o.header !== null) {
    if (POST_METHODS.has(method)) headers.set('content-type', 'application/json');
    for (const [name, value] of Object.entries(o.header as Record<string, unknown>)) {
      headers.set(name.toLowerCase(), valueText(value));
    }
  }
  const sorted = [...headers].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  let mime: Mime | undefined;
  let bytesInMemory = 0;
  if ((headers.get('content-type') ?? '').toLowerCase() === MULTIPART && Array.isArray(o.multiFormDataList)) {
    const parts: MimePart[] = [];
    for (const item of o.multiFormDataList as unknown[]) {
      const part = formPart(item);
      if (part === undefined) continue;
      parts.push(part.part);
      bytesInMemory += part.bytesInMemory;
    }
    if (parts.length > 0) mime = new MimeBody(parts);
  }
  return {
    url,
    method,
    headers: sorted,
    readTimeoutMs: timeoutOption(o, 'readTimeout'),
    connectTimeoutMs: timeoutOption(o, 'connectTimeout'),
    mime,
    bytesInMemory,
  };
}

/** Methods libcurl is set up for (`SetOption`: the GET and POST families); others fail the request. */
export function isSupportedMethod(method: string): boolean {
  return GET_METHODS.has(method) || POST_METHODS.has(method);
}

/** A POST, PUT or DELETE sends the form (`MethodForPost`). */
export function sendsBody(method: string): boolean {
  return POST_METHODS.has(method);
}

function formPart(item: unknown): { part: MimePart; bytesInMemory: number } | undefined {
  const f = (typeof item === 'object' && item !== null ? item : {}) as Partial<
    Record<keyof http.MultiFormData, unknown>
  >;
  const name = stringOf(f.name);
  const contentType = stringOf(f.contentType);
  const remoteFileName = stringOf(f.remoteFileName);
  const filePath = stringOf(f.filePath);
  const data = dataOf(f.data);
  if (name === '' || (data.length === 0 && filePath === '')) return undefined;
  const mimetype = contentType === '' ? undefined : contentType;
  const given = remoteFileName === '' ? undefined : remoteFileName;
  if (data.length > 0)
    return { part: { name, filename: given, mimetype, content: { kind: 'data', bytes: data } }, bytesInMemory: 0 };
  const realPath = realPathOf(filePath);
  if (given !== undefined && realPath !== undefined) {
    const whole = readWhole(realPath);
    if (whole !== undefined) {
      // curl_mime_data copies what it is given: the file is in memory twice until the read buffer is freed.
      const copy = Buffer.from(whole);
      return {
        part: { name, filename: given, mimetype, content: { kind: 'data', bytes: copy } },
        bytesInMemory: copy.length,
      };
    }
  }
  return {
    part: {
      name,
      filename: posix.basename(filePath),
      mimetype,
      content: { kind: 'file', path: filePath, realPath, size: regularFileSize(realPath) },
    },
    bytesInMemory: 0,
  };
}

/** Only a path of the app's sandbox names a file; `file://`, `internal://` and media URIs name nothing. */
function realPathOf(filePath: string): string | undefined {
  return filePath.startsWith('/') ? getSandbox().realPath(filePath) : undefined;
}

function readWhole(realPath: string): Buffer | undefined {
  try {
    return readFileSync(realPath);
  } catch {
    return undefined;
  }
}

function regularFileSize(realPath: string | undefined): number {
  if (realPath === undefined) return -1;
  try {
    const stat = statSync(realPath);
    return stat.isFile() ? stat.size : -1;
  } catch {
    return -1;
  }
}

/** `GetStringPropertyUtf8`: a string property, '' for anything else. */
function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** `SaveFormData`: a string, the bytes of an ArrayBuffer, an object's JSON text; anything else is no data. */
function dataOf(value: unknown): Buffer {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (value instanceof ArrayBuffer) return Buffer.from(value.slice(0));
  if (typeof value === 'object' && value !== null) return Buffer.from(JSON.stringify(value) ?? '', 'utf8');
  return Buffer.alloc(0);
}

/** `NapiValueToString`: strings, booleans and numbers (integers as an int, others `std::to_string`); else ''. */
function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value | 0) : value.toFixed(6);
  return '';
}

/** `GetUint32Property`: a number as unsigned 32-bit, anything else 0; absent means 60 000. */
function timeoutOption(o: Record<string, unknown>, name: 'readTimeout' | 'connectTimeout'): number {
  if (!(name in o)) return DEFAULT_TIMEOUT_MS;
  const value = o[name];
  return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) >>> 0 : 0;
}
