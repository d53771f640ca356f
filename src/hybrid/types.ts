import type { UploadFileOptions, UploadSettings } from '../core/types';

/**
 * What a hybrid page can upload: web data (a Blob or File, a `blob:` or `data:` URL), sent from the page
 * itself, or a native file path (`internal://cache/...`, `file://...`, a sandbox path), sent by the
 * native side over the bridge.
 */
export type HybridSource = string | Blob;

export type HybridUploadFileOptions = UploadFileOptions<HybridSource>;

export interface HybridSettings extends UploadSettings {}
