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

/** Which platform API carries the uploads: @ohos.net.http, request.agent or request.uploadFile (docs/engines.md). */
export type ArkTsBackend = 'auto' | 'http' | 'agent' | 'uploadFile';

export interface ArkTsSettings extends UploadSettings {
  /** The default application context (e.g. `this.context` in a UIAbility). */
  context?: common.Context;
  /**
   * `auto` (default): @ohos.net.http, which reports every answer whole; request.agent for an upload it
   * cannot send (an empty form field, a fileName that is no file name); request.uploadFile where the system
   * has neither. docs/engines.md says what each engine gives.
   */
  backend?: ArkTsBackend;
  /**
   * How long an upload on @ohos.net.http goes on once the app is in the background before it ends with
   * `uploadFile:fail interrupted` (default 5000, WeChat's figure; the system suspends the app soon after).
   */
  interruptAfterMs?: number;
}
