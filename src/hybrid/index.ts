/**
 * harmony-upload-task/hybrid: the same uploadFile / UploadTask for web code in an ArkWeb WebView.
 *
 * Web data (Blob, File, blob: and data: URLs) is uploaded from the page itself with XMLHttpRequest; a
 * native file path goes over the bridge to the native side (attachUploadBridge in the ArkTS container),
 * which uploads it with the ArkTS engines (@ohos.net.http, @ohos.request). Both ways run on the one core, so the events and results are the
 * same as on the ArkTS target.
 */
import { createUploadEngine } from '../core/engine';
import type { EngineStats } from '../core/engine';
import type { Transport } from '../core/transport';
import type { UploadTaskPromise } from '../core/types';
import { bridgeTransport, hasBridge } from './bridge-transport';
import { pageTransport } from './page-transport';
import { hybridSourceRules, routeOf } from './sources';
import type { HybridSettings, HybridSource, HybridUploadFileOptions } from './types';

/** Web data goes with the page: it cannot outlive it, so it has no background mode. */
const NO_BACKGROUND_ON_PAGE =
  'background uploads need a native file (a path of the app sandbox, uploaded by the native side): web data (a Blob, File, blob: or data: URL) is uploaded by the page itself, which does not outlive the app';

const hybridTransport: Transport<HybridSource> = {
  start(req, sink) {
    // Every file of an upload goes the same way (hybridSourceRules.together).
    if (routeOf(req.files[0].source) === 'native') return bridgeTransport.start(req, sink);
    if (req.background) {
      sink.fail(NO_BACKGROUND_ON_PAGE);
      return { close: () => undefined };
    }
    return pageTransport.start(req, sink);
  },
};

const engine = createUploadEngine<HybridSource, HybridUploadFileOptions>(hybridSourceRules, hybridTransport);

/** Starts an upload; returns at once the task, which is also a promise of the result. */
export function uploadFile(options: HybridUploadFileOptions): UploadTaskPromise {
  return engine.uploadFile(options);
}

/** Sets library-wide defaults: how many uploads run at once (default 10). */
export function configure(settings: HybridSettings): void {
  engine.configure(settings);
}

/** Uploads not finished yet, running and waiting. */
export function uploadStats(): EngineStats {
  return engine.stats();
}

/** Whether the native side's bridge is present (the page runs in an ArkWeb WebView with attachUploadBridge). */
export { hasBridge };

export type { HybridSettings, HybridSource, HybridUploadFileOptions } from './types';
export type { EngineStats } from '../core/engine';
export * from '../core/types';
