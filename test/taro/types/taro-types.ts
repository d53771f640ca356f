/**
 * Type-level test, compiled by test/taro/types.ts (tsc, strict) in the fixture app's folder: against that
 * app's own @tarojs/taro (4.1.11, the declarations Taro code is checked with) and this library as npm
 * installs it (dist/*.d.ts). Not part of the repository's own typecheck: @tarojs/taro is not installed here.
 * Every line that must not compile says so with @ts-expect-error, which fails when it does compile.
 */
import Taro from '@tarojs/taro';
import { installTaroUploadFile } from 'harmony-upload-task';
import type { UploadFileSuccessResult, UploadTask, UploadTaskPromise } from 'harmony-upload-task/hybrid';
import { uploadFile } from 'harmony-upload-task/taro/hybrid';

// The shim's uploadFile stands where Taro declares its own: Taro's options in, Taro's task promise out.
export const asTaroUploadFile: typeof Taro.uploadFile = uploadFile;

declare const options: Taro.uploadFile.Option;
const task: Taro.UploadTask.UploadTaskPromise = uploadFile(options);

// Taro's listener types fit the task's methods, the aliases included.
const onProgress: Taro.UploadTask.OnProgressUpdateCallback = (res) => res.totalBytesSent;
const onHeaders: Taro.UploadTask.OnHeadersReceivedCallback = (res) => res.header;
task.progress(onProgress);
task.headersReceive(onHeaders);
task.onProgressUpdate(onProgress);
task.offProgressUpdate(onProgress);
task.onHeadersReceived(onHeaders);
task.offHeadersReceived(onHeaders);
task.abort();

// A task typed by Taro is one the library's own types accept, listeners included, and the other way round.
declare const taroTask: Taro.UploadTask;
export const asLibraryTask: UploadTask = taroTask;
type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type TaroProgress = Parameters<Taro.UploadTask.OnProgressUpdateCallback>[0];
type LibraryProgress = Parameters<Parameters<UploadTaskPromise['progress']>[0]>[0];
export const progressShapesMatch: Equal<TaroProgress, LibraryProgress> = true;
type TaroProgressAlias = Taro.UploadTask.UploadTaskPromise['progress'];
export const progressAliasesMatch: Equal<
  Parameters<TaroProgressAlias>,
  Parameters<UploadTaskPromise['progress']>
> = true;
export const headersAliasesMatch: Equal<
  ReturnType<Taro.UploadTask.UploadTaskPromise['headersReceive']>,
  ReturnType<UploadTaskPromise['headersReceive']>
> = true;

// What the library resolves with is what Taro code reads from a success.
declare const result: UploadFileSuccessResult;
export const asTaroResult: Taro.uploadFile.SuccessCallbackResult = result;
export async function read(): Promise<string> {
  const res = await uploadFile(options);
  const status: number = res.statusCode;
  return `${status} ${res.data}`;
}

// Callbacks typed by Taro are accepted as they are.
uploadFile({
  url: 'https://example.com/upload',
  filePath: 'internal://temp/a.jpg',
  name: 'file',
  withCredentials: true,
  success: (res: Taro.uploadFile.SuccessCallbackResult) => res.data,
  fail: (res: TaroGeneral.CallbackResult) => res.errMsg,
  complete: (res: TaroGeneral.CallbackResult) => res.errMsg,
});

// installTaroUploadFile takes Taro's object.
installTaroUploadFile(Taro);
// @ts-expect-error: a number is not Taro's object
installTaroUploadFile(42);
// @ts-expect-error: filePath is a path or a Blob, not a number
uploadFile({ url: 'https://example.com/upload', filePath: 7, name: 'file' });
// @ts-expect-error: withCredentials is a boolean
uploadFile({ url: 'https://example.com/upload', filePath: 'a', name: 'file', withCredentials: 'yes' });
