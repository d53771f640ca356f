import type { common } from '@kit.AbilityKit';
import type { UploadFileOptions, UploadSettings } from '../core/types';

/** uploadFile's options on ArkTS: the common ones, plus the application context if not configured. */
export interface ArkTsUploadFileOptions extends UploadFileOptions<string> {
  /** The context whose sandbox holds the file; default: configure()'s, else getContext(). */
  context?: common.Context;
}

/** The source an ArkTS transport uploads: the caller's filePath, and the context whose sandbox holds it. */
export interface ArkTsSource {
  readonly filePath: string;
  readonly context: common.Context;
}

/** Which @ohos.request API carries the uploads. */
export type ArkTsBackend = 'auto' | 'agent' | 'uploadFile';

export interface ArkTsSettings extends UploadSettings {
  /** The default application context (e.g. `this.context` in a UIAbility). */
  context?: common.Context;
  /**
   * `auto` (default): request.agent where the system has it (every API 12 device with the request
   * service's agent, which this package requires), else request.uploadFile.
   */
  backend?: ArkTsBackend;
}
