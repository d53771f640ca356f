/**
 * Taro's Harmony ArkTS target (`taro build --type harmony`): its `Taro` is a plain object, and every
 * `Taro.uploadFile(...)` in the app, the named import `uploadFile` included, is compiled to a read of
 * `Taro.uploadFile` at the time of the call (docs/platform/taro.md). Setting that property once, before
 * the first upload, puts this library behind all of them.
 *
 * The object is passed in rather than imported: inside the generated ETS project `@tarojs/taro` is a
 * module of the app, which an OHPM package cannot import.
 */
import { uploadFile } from './upload';

/** What installTaroUploadFile needs of Taro's default export. */
export interface TaroUploadFileHost {
  uploadFile?: unknown;
}

/**
 * Makes `Taro.uploadFile` this library's uploadFile, for every call site of the app from then on.
 * Throws a TypeError when `taro` is not an object whose `uploadFile` can be set.
 */
export function installTaroUploadFile(taro: TaroUploadFileHost): void {
  try {
    taro.uploadFile = uploadFile;
  } catch (err) {
    // Not an object, a module namespace (import * as Taro), a frozen object: told below.
  }
  if (typeof taro !== 'object' || taro === null || taro.uploadFile !== uploadFile) {
    throw new TypeError(
      "installTaroUploadFile: cannot set uploadFile on that; pass Taro's object (import Taro from '@tarojs/taro')",
    );
  }
}
