/**
 * harmony-upload-task for ArkTS: uploadFile / UploadTask on @ohos.net.http or @ohos.request (docs/engines.md).
 *
 *   import { configure, uploadFile } from 'harmony-upload-task';
 *   configure({ context: this.context });
 *   const task = uploadFile({ url, filePath: this.context.filesDir + '/a.jpg', name: 'file' });
 *   task.onProgressUpdate((p) => { this.percent = p.progress; });
 *   const res = await task;
 */
export { configure, uploadFile, uploadStats } from './upload';
export { restoreUploads } from './background';
export type { RestoredSuccessResult, RestoredUploadInfo, RestoredUploadTask } from './background';
export { attachUploadBridge } from './bridge-host';
export { installTaroUploadFile } from './taro';
export type { TaroUploadFileHost } from './taro';
export type { UploadBridge, UploadBridgeOptions } from './bridge-host';
export type { ArkTsBackend, ArkTsSettings, ArkTsUploadFileOptions } from './types';
export type { EngineStats } from '../core/engine';
export * from '../core/types';
