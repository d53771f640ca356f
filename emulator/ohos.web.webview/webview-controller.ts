/**
 * A stand-in for ArkWeb's WebviewController over a Playwright page in real Chromium, with the semantics
 * the bridge relies on (docs/platform/ohos.web.webview.md; SDK api/@ohos.web.webview.d.ts):
 * - registerJavaScriptProxy exposes `window[name]` from the next page load on; methods in
 *   asyncMethodList return nothing to the page (here: Playwright bindings, which are asynchronous too);
 * - getLastJavascriptProxyCallingFrameUrl() is the URL of the frame that made the last proxy call;
 * - runJavaScript(script) runs in the page currently displayed and resolves with the result as a string,
 *   or null when the script fails;
 * - the Web component's onPageBegin is the app's to wire: `onPageBegin()` here fires on each main-frame
 *   navigation when the test asks for it.
 * Test controls (`answer`): getUrl() and getLastJavascriptProxyCallingFrameUrl() can be made to throw a
 * BusinessError or to answer another URL, as when the controller has lost its web instance (both then
 * answer '': web_webview `interfaces/kits/napi/webviewcontroller/webview_controller.cpp`).
 */
import type { Frame, Page } from 'playwright-core';
import { EmulatedBusinessError } from '../errors';
import { bindCookieStore } from './cookie-manager';

/** The controller's queries about who is calling. */
export type CallerQuery = 'getUrl' | 'getLastJavascriptProxyCallingFrameUrl';
/** What a query does instead of telling the truth: answer another URL, or throw a BusinessError code. */
export type QueryFault = { returns: string } | { throws: number };

/** `@ohos.web.webview.d.ts` @throws texts. */
const WEBVIEW_ERRORS: Readonly<Record<number, string>> = {
  17100001: 'Init error. The WebviewController must be associated with a Web component.',
};

export class PlaywrightWebview {
  private lastFrameUrl = '';
  private readonly removed = new Set<string>();
  private readonly exposed = new Set<string>();
  private pending: Promise<void> = Promise.resolve();
  private readonly faults = new Map<CallerQuery, QueryFault>();
  /** Scripts run through runJavaScript, for counting messages. */
  readonly scripts: string[] = [];
  /** Proxy calls that reached the native object, for waiting until a page's calls have all been read. */
  proxyCalls = 0;

  private constructor(readonly page: Page) {}

  /** The app's cookie store (webview.WebCookieManager) is this page's browser context's from now on. */
  static async create(page: Page): Promise<PlaywrightWebview> {
    bindCookieStore(page);
    return new PlaywrightWebview(page);
  }

  /** Calls `listener(url)` on each navigation of the main frame, as the Web component's onPageBegin. */
  onPageBegin(listener: (url: string) => void): void {
    this.page.on('framenavigated', (frame: Frame) => {
      if (frame === this.page.mainFrame()) listener(frame.url());
    });
  }

  registerJavaScriptProxy(object: object, name: string, methodList: string[], asyncMethodList: string[] = []): void {
    this.removed.delete(name);
    const target = object as Record<string, (...args: unknown[]) => unknown>;
    const methods = [...methodList, ...asyncMethodList];
    this.pending = (async () => {
      for (const method of methods) {
        if (this.exposed.has(`${name}.${method}`)) continue;
        this.exposed.add(`${name}.${method}`);
        await this.page.exposeBinding(
          `__arkweb_${name}_${method}`,
          (source, callerUrl: unknown, ...args: unknown[]) => {
            if (this.removed.has(name)) return undefined;
            this.proxyCalls++;
            // The calling frame's URL when it called, as the page had it, not as it is by the time Node hears.
            this.lastFrameUrl = typeof callerUrl === 'string' ? callerUrl : source.frame.url();
            const result = target[method](...args);
            return asyncMethodList.includes(method) ? undefined : result;
          },
        );
      }
      await this.page.addInitScript(
        ({ proxyName, proxyMethods }) => {
          const proxy: Record<string, (...args: unknown[]) => void> = {};
          // ArkWeb delivers a page's proxy calls in order; Playwright's bindings may not, so chain them.
          let chain: Promise<unknown> = Promise.resolve();
          for (const m of proxyMethods) {
            const binding = (window as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[
              `__arkweb_${proxyName}_${m}`
            ];
            proxy[m] = (...args: unknown[]) => {
              const callerUrl = location.href;
              chain = chain.then(() => binding(callerUrl, ...args)).catch(() => undefined);
            };
          }
          (window as unknown as Record<string, unknown>)[proxyName] = proxy;
        },
        { proxyName: name, proxyMethods: methods },
      );
    })();
  }

  /** Playwright registers asynchronously where ArkWeb does at once: wait before loading a page. */
  registered(): Promise<void> {
    return this.pending;
  }

  deleteJavaScriptRegister(name: string): void {
    this.removed.add(name);
  }

  async runJavaScript(script: string): Promise<string> {
    this.scripts.push(script);
    try {
      const result: unknown = await this.page.evaluate(script);
      return result === undefined ? (null as unknown as string) : String(result);
    } catch (err) {
      return null as unknown as string;
    }
  }

  getUrl(): string {
    return this.query('getUrl', () => this.page.url());
  }

  getLastJavascriptProxyCallingFrameUrl(): string {
    return this.query('getLastJavascriptProxyCallingFrameUrl', () => this.lastFrameUrl);
  }

  /** Test control: from now on `method` does as `fault` says; `undefined` makes it tell the truth again. */
  answer(method: CallerQuery, fault: QueryFault | undefined): void {
    if (fault) this.faults.set(method, fault);
    else this.faults.delete(method);
  }

  private query(method: CallerQuery, truth: () => string): string {
    const fault = this.faults.get(method);
    if (!fault) return truth();
    if ('throws' in fault) throw new EmulatedBusinessError(fault.throws, WEBVIEW_ERRORS[fault.throws] ?? '');
    return fault.returns;
  }

  refresh(): void {
    void this.page.reload();
  }
}
