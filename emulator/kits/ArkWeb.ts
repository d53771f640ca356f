/** `@kit.ArkWeb` of the emulated device: re-exports the emulated `@ohos.web.webview`. */
import webview from '../ohos.web.webview/index';

export { webview };
