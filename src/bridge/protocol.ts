/**
 * The hybrid bridge's message protocol, shared by the page (src/hybrid) and the native host
 * (src/arkts/bridge-host): versioned, JSON only, checked field by field on receipt.
 *
 *   page → native   the text of one message, through the javaScriptProxy method `post`
 *   native → page   the same JSON text as base64 of its UTF-8 bytes, through runJavaScript calling
 *                   `window[RECEIVER].receive("<base64>")`: the script holds nothing but that fixed call
 *                   and [A-Za-z0-9+/=], whatever the payload (quotes, </script>, U+2028, any text).
 *
 * Every message names its page (a random id each page load makes) so that a message never reaches a
 * page other than the one that started the task.
 */
import { MAX_FILES } from '../core/options';
import type { HeaderRecord } from '../core/types';
import { isRecord } from '../core/values';

export const PROTOCOL_VERSION = 1;
/** The javaScriptProxy object the native host registers on the WebView. */
export const PROXY_NAME = '__harmonyUploadNative';
/** The page's receiver object, on window. */
export const RECEIVER_NAME = '__harmonyUploadBridge';
/** Longer messages (in UTF-16 code units) are refused without being parsed. */
export const MAX_MESSAGE_LENGTH = 1024 * 1024;
const MAX_ID_LENGTH = 64;
const ID = /^[A-Za-z0-9_-]+$/;

/** One file of a `files` upload, as the page's core checked it. */
export interface StartFile {
  filePath: string;
  name: string;
  fileName: string;
}

/**
 * What the page asks for: the options, already checked by the page's core. One file is `filePath`, `name`
 * and `fileName`; a `files` upload is `files` alone, which a host that predates it refuses (its check finds
 * no filePath) rather than upload one file of several.
 */
export interface StartOptions {
  url: string;
  filePath?: string;
  name?: string;
  fileName?: string;
  /** The files of a `files` upload, in order, all sent in one request. */
  files?: StartFile[];
  header: HeaderRecord;
  formData: Array<{ name: string; value: string }>;
  timeout: number;
  /** Retries happen on the native side, where the failure is seen. */
  retry: { count: number; backoff: number };
  /**
   * The page's `withCredentials`: the native side sends and keeps the WebView's cookies for another origin
   * only when it is true (absent: false, as from a page of an earlier version).
   */
  withCredentials?: boolean;
  /**
   * Background mode (present only when the page asks for it): the native side uploads on a BACKGROUND
   * request.agent task; `timeout` is then 0 (none) or the longest time without progress.
   */
  background?: boolean;
  network?: 'any' | 'wifi';
  tag?: string;
}

export type PageMessage =
  | { v: 1; page: string; type: 'start'; id: string; options: StartOptions }
  | { v: 1; page: string; type: 'abort'; id: string };

export type NativeMessage =
  | { v: 1; page: string; type: 'progress'; id: string; sent: number; total: number }
  | { v: 1; page: string; type: 'headers'; id: string; header: HeaderRecord }
  | {
      v: 1;
      page: string;
      type: 'success';
      id: string;
      statusCode: number;
      header: HeaderRecord;
      data: string;
      totalBytes: number;
    }
  | { v: 1; page: string; type: 'fail'; id: string; reason: string }
  /** A message the host would not act on; `id` when the message named one. */
  | { v: 1; page: string; type: 'refused'; id?: string; reason: string };

export type Parsed<T> = { ok: true; message: T } | { ok: false; reason: string; page?: string; id?: string };

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH && ID.test(value);
}

function isStringRecord(value: unknown): value is HeaderRecord {
  return isRecord(value) && Object.keys(value).every((k) => typeof value[k] === 'string');
}

function isFields(value: unknown): value is Array<{ name: string; value: string }> {
  return (
    Array.isArray(value) && value.every((f) => isRecord(f) && typeof f.name === 'string' && typeof f.value === 'string')
  );
}

function isStartFile(value: unknown): value is StartFile {
  return (
    isRecord(value) &&
    typeof value.filePath === 'string' &&
    typeof value.name === 'string' &&
    typeof value.fileName === 'string'
  );
}

/** The files of the message: `files`, or the one of filePath, name and fileName. */
function checkFiles(o: Record<string, unknown>): string | undefined {
  if (o.files === undefined) {
    if (typeof o.filePath !== 'string') return 'options.filePath should be a string';
    if (typeof o.name !== 'string') return 'options.name should be a string';
    if (typeof o.fileName !== 'string') return 'options.fileName should be a string';
    return undefined;
  }
  if (o.filePath !== undefined || o.name !== undefined || o.fileName !== undefined)
    return 'options.files should come without filePath, name and fileName';
  const files = o.files;
  if (!Array.isArray(files) || files.length === 0 || files.length > MAX_FILES)
    return `options.files should be a list of 1 to ${MAX_FILES} files`;
  const bad = files.findIndex((f) => !isStartFile(f));
  if (bad >= 0) return `options.files[${bad}] should be {filePath, name, fileName} strings`;
  return undefined;
}

function checkStart(o: unknown): string | undefined {
  if (!isRecord(o)) return 'options should be an object';
  if (typeof o.url !== 'string') return 'options.url should be a string';
  const files = checkFiles(o);
  if (files) return files;
  if (!isStringRecord(o.header)) return 'options.header should be an object of strings';
  if (!isFields(o.formData)) return 'options.formData should be a list of {name, value} strings';
  if (o.background !== undefined && typeof o.background !== 'boolean') return 'options.background should be a boolean';
  if (o.network !== undefined && o.network !== 'any' && o.network !== 'wifi')
    return "options.network should be 'any' or 'wifi'";
  if (o.tag !== undefined && typeof o.tag !== 'string') return 'options.tag should be a string';
  // 0 is no timeout, which only a background upload has.
  const noTimeout = o.background === true && o.timeout === 0;
  if (typeof o.timeout !== 'number' || !(o.timeout > 0 || noTimeout))
    return 'options.timeout should be a positive number';
  const r = o.retry;
  if (!isRecord(r) || typeof r.count !== 'number' || typeof r.backoff !== 'number')
    return 'options.retry should be {count, backoff}';
  if (o.withCredentials !== undefined && typeof o.withCredentials !== 'boolean')
    return 'options.withCredentials should be a boolean';
  return undefined;
}

/** Parses and checks one page message; never throws. */
export function parsePageMessage(text: unknown): Parsed<PageMessage> {
  if (typeof text !== 'string') return { ok: false, reason: 'a bridge message must be a JSON string' };
  if (text.length > MAX_MESSAGE_LENGTH)
    return { ok: false, reason: `a bridge message must be at most ${MAX_MESSAGE_LENGTH} characters` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: 'a bridge message must be valid JSON' };
  }
  if (!isRecord(value)) return { ok: false, reason: 'a bridge message must be a JSON object' };
  const page = isId(value.page) ? value.page : undefined;
  const id = isId(value.id) ? value.id : undefined;
  if (value.v !== PROTOCOL_VERSION)
    return {
      ok: false,
      reason: `unsupported bridge protocol version ${String(value.v)} (expected ${PROTOCOL_VERSION})`,
      page,
      id,
    };
  if (!page) return { ok: false, reason: 'a bridge message needs a page id' };
  if (!id) return { ok: false, reason: 'a bridge message needs a task id', page };
  if (value.type === 'abort') return { ok: true, message: { v: 1, page, type: 'abort', id } };
  if (value.type !== 'start')
    return { ok: false, reason: `unknown bridge message type ${JSON.stringify(value.type)}`, page, id };
  const problem = checkStart(value.options);
  if (problem) return { ok: false, reason: `bad start message: ${problem}`, page, id };
  return { ok: true, message: { v: 1, page, type: 'start', id, options: value.options as StartOptions } };
}

/** Parses and checks one native message; never throws. */
export function parseNativeMessage(text: string): Parsed<NativeMessage> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: 'not JSON' };
  }
  if (!isRecord(value) || value.v !== PROTOCOL_VERSION || !isId(value.page))
    return { ok: false, reason: 'not a bridge message' };
  const m = value as Record<string, unknown>;
  const id = isId(m.id) ? m.id : undefined;
  switch (m.type) {
    case 'progress':
      if (id && typeof m.sent === 'number' && typeof m.total === 'number')
        return { ok: true, message: value as NativeMessage };
      break;
    case 'headers':
      if (id && isStringRecord(m.header)) return { ok: true, message: value as NativeMessage };
      break;
    case 'success':
      if (
        id &&
        typeof m.statusCode === 'number' &&
        isStringRecord(m.header) &&
        typeof m.data === 'string' &&
        typeof m.totalBytes === 'number'
      ) {
        return { ok: true, message: value as NativeMessage };
      }
      break;
    case 'fail':
      if (id && typeof m.reason === 'string') return { ok: true, message: value as NativeMessage };
      break;
    case 'refused':
      if (typeof m.reason === 'string') return { ok: true, message: value as NativeMessage };
      break;
    default:
      break;
  }
  return { ok: false, reason: `malformed ${String(m.type)} message` };
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * base64 of the UTF-8 bytes of a string (lone surrogates become U+FFFD), without TextEncoder or btoa,
 * which the ArkTS runtime does not have.
 */
export function encodeBase64Utf8(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) bytes.push(cp);
    else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else bytes.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out.push(
      B64[(n >> 18) & 63],
      B64[(n >> 12) & 63],
      i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=',
      i + 2 < bytes.length ? B64[n & 63] : '=',
    );
  }
  return out.join('');
}

/** The one script the native side runs in the page to deliver a message. */
export function deliveryScript(message: NativeMessage): string {
  return `window.${RECEIVER_NAME}&&window.${RECEIVER_NAME}.receive("${encodeBase64Utf8(JSON.stringify(message))}")`;
}
