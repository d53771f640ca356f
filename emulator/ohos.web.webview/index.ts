/**
 * `@ohos.web.webview` of the emulated device: `webview.WebCookieManager` over Chromium's cookie store
 * (cookie-manager.ts). The WebviewController stand-in is `PlaywrightWebview` (webview-controller.ts), which a
 * test passes to `attachUploadBridge` itself.
 */
import { WebCookieManager } from './cookie-manager';

const webview = { WebCookieManager };

export default webview;
