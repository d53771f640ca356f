// api/@ohos.web.webview.d.ts (API 12): the WebviewController and WebCookieManager members the hybrid bridge uses.
declare module '@ohos.web.webview' {
  import { AsyncCallback } from '@ohos.base';

  namespace webview {
    class WebviewController {
      constructor(webTag?: string);
      refresh(): void;
      registerJavaScriptProxy(object: object, name: string, methodList: Array<string>,
          asyncMethodList?: Array<string>, permission?: string): void;
      deleteJavaScriptRegister(name: string): void;
      runJavaScript(script: string): Promise<string>;
      runJavaScript(script: string, callback: AsyncCallback<string>): void;
      getUrl(): string;
      getLastJavascriptProxyCallingFrameUrl(): string;
    }

    class WebCookieManager {
      static fetchCookie(url: string): Promise<string>;
      static configCookie(url: string, value: string): Promise<void>;
      static isCookieAllowed(): boolean;
    }
  }
  export default webview;
}
