/**
 * Conversions the request module's NAPI layer applies to what apps pass in and get back
 * (request_request `frameworks/js/napi/request/src/js_initialize.cpp`, `napi_utils.cpp`).
 */
import type { AsyncCallback, BusinessError } from '@ohos.base';
import { requestError, RequestErrorCode } from '../errors';
import { listenerErrors } from '../state';

/**
 * Completes an asynchronous API in promise or callback form. On success the callback gets `null` as error
 * for API 10+ methods and `undefined` for API 9 ones (`AsyncCall::OnComplete`), so the declared
 * `BusinessError` parameter is then not a BusinessError.
 */
export function complete<T>(
  callback: AsyncCallback<T> | undefined,
  run: () => Promise<T>,
  apiLevel: 9 | 10,
): Promise<T> | undefined {
  const result = run();
  if (callback === undefined) return result;
  const noError = (apiLevel === 10 ? null : undefined) as unknown as BusinessError;
  const call = (error: BusinessError, value: T): void => {
    try {
      callback(error, value);
    } catch (thrown) {
      // An app callback that throws is the app's bug; the emulation records it and goes on.
      listenerErrors.push(thrown);
      console.error('[ohos emulation] an AsyncCallback threw:', thrown);
    }
  };
  result.then(
    (value) => call(noError, value),
    (error: unknown) => call(asBusinessError(error), undefined as unknown as T),
  );
  return undefined;
}

function asBusinessError(error: unknown): BusinessError {
  if (error instanceof Error && typeof (error as Partial<BusinessError>).code === 'number')
    return error as BusinessError;
  return requestError(RequestErrorCode.OTHERS, String(error));
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** `Convert2String`: a string property, or '' when absent or not a string. */
export function stringProperty(object: Record<string, unknown>, name: string): string {
  const value = object[name];
  return typeof value === 'string' ? value : '';
}

/** `Convert2Uint32`/`Convert2Int64`: a number property, or 0 when absent or not a number. */
export function numberProperty(object: Record<string, unknown>, name: string): number {
  const value = object[name];
  return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : 0;
}

/**
 * `ParseRedirect`/`ParseRetry`: true when the property is absent; when present, its value if boolean, else
 * false (so `{ retry: undefined }` means false on a device).
 */
export function flagProperty(object: Record<string, unknown>, name: string): boolean {
  if (!(name in object)) return true;
  return object[name] === true;
}

/** `ParseMap` of `header`/`headers`: every own property, its value if a string, else ''. */
export function headerEntries(value: unknown): Array<[string, string]> {
  if (!isObject(value)) return [];
  return Object.keys(value).map((name) => [name, typeof value[name] === 'string' ? (value[name] as string) : '']);
}

/** `ParseBegins`: negative becomes 0. */
export function beginsProperty(object: Record<string, unknown>): number {
  return Math.max(0, numberProperty(object, 'begins'));
}

/** `ParseEnds`: -1 when absent or not a number. */
export function endsProperty(object: Record<string, unknown>): number {
  const value = object.ends;
  return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : -1;
}

/** `ParseUrl` (API ≤ 14 limit of 2048 characters, SDK doc of `url`): http(s) only. */
export function isValidUrl(url: string): boolean {
  return url.length <= 2048 && /^https?:\/\/.+/.test(url);
}

/** `ParseMethod` for uploads: POST or PUT in any case, anything else keeps the default. */
export function uploadMethod(value: unknown, fallback: 'POST' | 'PUT'): 'POST' | 'PUT' {
  if (typeof value !== 'string') return fallback;
  const method = value.toUpperCase();
  return method === 'POST' || method === 'PUT' ? method : fallback;
}

/** `StandardizeFileSpec`: the file name after the last '/' of the path. */
export function fileNameOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 || slash + 1 >= path.length ? '' : path.slice(slash + 1);
}

/**
 * `StandardizeFileSpec`: without a given type, the part's type is what follows the last '.' of the file name —
 * the bare extension ("txt"), not a MIME type — or '' without extension.
 */
export function typeFromFileName(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot < 0 || dot + 1 >= fileName.length ? '' : fileName.slice(dot + 1);
}

/** A response body as the NAPI layer hands it over: a string when valid UTF-8, else an ArrayBuffer. */
export function bodyValue(body: Buffer): string | ArrayBuffer {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
  }
}

/** Throws 401 with the given detail. */
export function paramError(detail: string): never {
  throw requestError(RequestErrorCode.PARAMCHECK, detail);
}

/** Runtime check of a listener argument (`on`/`off` throw 401 on bad arguments: SDK `UploadTask.on`). */
export function checkedCallback<T extends (...args: never[]) => void>(value: unknown): T {
  if (typeof value !== 'function') paramError('Incorrect parameter type, the callback is not a function');
  return value as T;
}

export function optionalCallback<T extends (...args: never[]) => void>(value: unknown): T | undefined {
  return value === undefined ? undefined : checkedCallback<T>(value);
}
