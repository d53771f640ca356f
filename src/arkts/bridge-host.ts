/**
 * The native half of the hybrid bridge: attachUploadBridge(controller, options) lets the pages of one
 * ArkWeb WebView upload native files with this library's ArkTS uploadFile, and forwards each task's
 * events back to the page that started it.
 *
 * Security: a call from a frame whose origin is not in `allowedOrigins` (or while the top page's origin
 * is not) gets nothing at all; a file must resolve, after normalisation, inside one of `allowedPaths`,
 * and no path component below that directory may be a symbolic link, nor a folder named like the one of
 * the library's temporary copies (other uploads' files, copied for request.uploadFile); only http(s) URLs;
 * malformed, oversized or unknown messages are refused without touching other tasks. A page load (a
 * reload, a navigation) aborts the uploads of the page before it.
 */
import { fileIo } from '@kit.CoreFileKit';
import type { common } from '@kit.AbilityKit';
import type { webview } from '@kit.ArkWeb';
import { deliveryScript, parsePageMessage, PROTOCOL_VERSION, PROXY_NAME } from '../bridge/protocol';
import type { NativeMessage, PageMessage, StartOptions } from '../bridge/protocol';
import { describeThrown, failMsg, logError, Reason } from '../core/errors';
import type { FormDataValue, UploadTask, UploadTaskPromise } from '../core/types';
import { resolveContext } from './context';
import { isUserFileUri, normalizePath, sandboxPathOf } from './files';
import { COPY_DIR } from './staging';
import { uploadFile } from './upload';

export interface UploadBridgeOptions {
  /** Origins whose pages may upload, e.g. `https://app.example.com`, `resource://rawfile`. Required. */
  allowedOrigins: string[];
  /**
   * Sandbox directories the pages may upload from, e.g. `[context.cacheDir]`. Required. `internal://cache/`,
   * `internal://files/` and `internal://temp/` paths are mapped to cacheDir, filesDir and tempDir first, and
   * must then lie in one of these too.
   */
  allowedPaths: string[];
  /**
   * Let pages upload user files by their media library URIs (`file://media/...`, from the photo and video
   * pickers). Default false: a page could otherwise send any of the user's photos the app has a grant for,
   * just by naming its URI.
   */
  allowUserFiles?: boolean;
  /** The application context; default as for uploadFile (configure(), getContext()). */
  context?: common.Context;
  /** Reload the page so the proxy takes effect now (registering applies from the next page load). */
  refresh?: boolean;
  /** Uploads one page may have unfinished at once; more are refused. Default 200. */
  maxUploadsPerPage?: number;
  /** Called with each native task the bridge starts, before any of its events (logging, metrics). */
  onUpload?: (task: UploadTask, info: { filePath: string; url: string }) => void;
}

export interface UploadBridge {
  /**
   * Wire to the Web component: `.onPageBegin((e) => bridge.onPageBegin(e.url))`. Aborts the uploads of the
   * page being left.
   */
  onPageBegin(url: string): void;
  /** Unregisters the proxy and aborts every upload this bridge started. */
  detach(): void;
  /** Uploads started by pages and not finished yet. */
  readonly activeUploads: number;
}

interface Entry {
  page: string;
  id: string;
  task?: UploadTaskPromise;
  /** The page gave up on it before the native task existed. */
  aborted: boolean;
  /** File size, from the progress events, for the page's final progress event. */
  total: number;
}

/** `scheme://host[:port]`, lower-cased, default ports dropped; undefined when there is none. */
export function originOf(url: string): string | undefined {
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i.exec(url);
  if (!m) return undefined;
  const scheme = m[1].toLowerCase();
  let host = m[2].toLowerCase();
  const at = host.lastIndexOf('@');
  if (at >= 0) host = host.slice(at + 1);
  if ((scheme === 'http' && host.endsWith(':80')) || (scheme === 'https' && host.endsWith(':443')))
    host = host.slice(0, host.lastIndexOf(':'));
  return `${scheme}://${host}`;
}

const DEFAULT_MAX_PER_PAGE = 200;

class BridgeHost implements UploadBridge {
  private readonly origins: Set<string>;
  private readonly dirs: string[];
  private readonly entries = new Map<string, Entry>();
  private readonly maxPerPage: number;
  private page: string | undefined;
  private detached = false;
  private sending: Promise<void> = Promise.resolve();

  constructor(
    private readonly controller: webview.WebviewController,
    private readonly options: UploadBridgeOptions,
  ) {
    this.origins = new Set(options.allowedOrigins.map((o) => originOf(o) ?? o));
    this.dirs = options.allowedPaths
      .map((p) => normalizePath(p))
      .filter((p): p is string => p !== undefined && p !== '/');
    this.maxPerPage = options.maxUploadsPerPage ?? DEFAULT_MAX_PER_PAGE;
    const proxy: object = { post: (message: string): void => this.receive(message) };
    controller.registerJavaScriptProxy(proxy, PROXY_NAME, [], ['post']);
    if (options.refresh) controller.refresh();
  }

  get activeUploads(): number {
    return this.entries.size;
  }

  onPageBegin(url: string): void {
    void url;
    // The page is being left: nobody is there to tell.
    this.endUploads(false);
    this.page = undefined;
  }

  detach(): void {
    if (this.detached) return;
    this.detached = true;
    this.endUploads(true);
    try {
      this.controller.deleteJavaScriptRegister(PROXY_NAME);
    } catch (err) {
      logError('deleteJavaScriptRegister failed:', err);
    }
  }

  private allowedUrl(url: string): boolean {
    const origin = originOf(url);
    return origin !== undefined && this.origins.has(origin);
  }

  /**
   * Only the top document may call: answers can only reach it (runJavaScript runs in the top page), and
   * its origin must be allowed. An iframe's call, or any call while the page's origin is not allowed,
   * gets nothing.
   */
  private callerAllowed(): boolean {
    let frame = '';
    let top = '';
    try {
      top = this.controller.getUrl();
      frame = this.controller.getLastJavascriptProxyCallingFrameUrl() || top;
    } catch (err) {
      return false;
    }
    return frame === top && this.allowedUrl(top);
  }

  private receive(text: string): void {
    if (this.detached || !this.callerAllowed()) return;
    const parsed = parsePageMessage(text);
    if (!parsed.ok) {
      if (parsed.page) this.refuse(parsed.page, parsed.id, parsed.reason);
      return;
    }
    const m = parsed.message;
    if (m.type === 'abort') this.abort(m);
    else this.start(m);
  }

  private abort(m: PageMessage): void {
    const key = `${m.page}/${m.id}`;
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    entry.aborted = true;
    entry.task?.abort();
  }

  /**
   * Aborts the uploads of every page but `keep`. `tell`: the page is still there (detach()), so its tasks
   * get their outcome, `abort`, rather than waiting for their timeout. A page that was left is told
   * nothing: whatever is sent would reach the page after it.
   */
  private endUploads(tell: boolean, keep?: string): void {
    for (const [key, entry] of [...this.entries]) {
      if (entry.page === keep) continue;
      this.entries.delete(key);
      entry.aborted = true;
      entry.task?.abort();
      if (tell) this.send({ v: PROTOCOL_VERSION, page: entry.page, type: 'fail', id: entry.id, reason: Reason.abort });
    }
  }

  /**
   * A refusal names the task it refuses, unless that id belongs to a running upload: a bad or repeated
   * message must not end an upload it does not own.
   */
  private refuse(page: string, id: string | undefined, reason: string): void {
    const owned = id !== undefined && this.entries.has(`${page}/${id}`);
    this.send({ v: PROTOCOL_VERSION, page, type: 'refused', id: owned ? undefined : id, reason });
  }

  private start(m: Extract<PageMessage, { type: 'start' }>): void {
    const key = `${m.page}/${m.id}`;
    if (this.entries.has(key)) {
      this.refuse(m.page, m.id, `task id ${m.id} is already in use`);
      return;
    }
    let count = 0;
    this.entries.forEach((e) => {
      if (e.page === m.page) count++;
    });
    if (count >= this.maxPerPage) {
      this.refuse(m.page, m.id, `too many uploads from this page (at most ${this.maxPerPage} at once)`);
      return;
    }
    if (!/^https?:\/\//i.test(m.options.url)) {
      this.refuse(m.page, m.id, 'only http and https URLs may be uploaded to');
      return;
    }
    const entry: Entry = { page: m.page, id: m.id, aborted: false, total: 0 };
    this.entries.set(key, entry);
    this.checkPath(m.options.filePath)
      .then(() => {
        if (entry.aborted || this.entries.get(key) !== entry) return;
        if (m.page !== this.page) {
          // The first upload of a new page load (without onPageBegin wired): the page before it is gone,
          // and so are its uploads. Only an accepted upload counts: a refused message changes nothing.
          this.endUploads(false, m.page);
          this.page = m.page;
        }
        this.run(entry, key, m.options);
      })
      .catch((err: unknown) => {
        if (this.entries.get(key) !== entry) return;
        this.entries.delete(key);
        this.refuse(m.page, m.id, describeThrown(err));
      });
  }

  /**
   * Resolves when filePath lies inside an allowed directory without going through a symlink, or is a user
   * file and the app allows them.
   */
  private async checkPath(filePath: string): Promise<void> {
    if (isUserFileUri(filePath)) {
      // Refused before anything is opened: the answer is the same whether or not the URI exists.
      if (this.options.allowUserFiles === true) return;
      throw new Error(
        `filePath "${filePath}" is a user file (media library), which this app does not let pages upload (allowUserFiles)`,
      );
    }
    const context = resolveContext(this.options.context);
    let path: string;
    try {
      path = sandboxPathOf(filePath, context);
    } catch (err) {
      throw new Error(`filePath "${filePath}" is not a path the bridge accepts`);
    }
    const dir = this.dirs.find((d) => path.startsWith(`${d}/`));
    if (!dir) throw new Error(`filePath "${filePath}" is outside the directories this app allows pages to upload from`);
    // Wherever a context's cacheDir is (el1, el2, another ability's), its copies are in a COPY_DIR folder.
    if (path.split('/').indexOf(COPY_DIR) >= 0) {
      throw new Error(
        `filePath "${filePath}" is in a ${COPY_DIR} folder, where the library keeps its temporary copies: pages may not upload from it`,
      );
    }
    let current = dir;
    for (const segment of path.slice(dir.length + 1).split('/')) {
      current = `${current}/${segment}`;
      let isLink = false;
      try {
        isLink = (await fileIo.lstat(current)).isSymbolicLink();
      } catch (err) {
        break; // a missing file is reported by the upload itself: "file not found"
      }
      if (isLink)
        throw new Error(`filePath "${filePath}" goes through a symbolic link, which the bridge does not follow`);
    }
  }

  /** Uploads with the ArkTS uploadFile, given the page's filePath as it is, so errMsgs are the same as in ArkTS. */
  private run(entry: Entry, key: string, o: StartOptions): void {
    const formData: Record<string, FormDataValue> = {};
    for (const f of o.formData) formData[f.name] = f.value;
    const task = uploadFile({
      url: o.url,
      filePath: o.filePath,
      name: o.name,
      header: o.header,
      formData,
      fileName: o.fileName,
      timeout: o.timeout,
      retry: o.retry,
      context: this.options.context,
    });
    entry.task = task;
    const live = (): boolean => this.entries.get(key) === entry;
    const base = { v: PROTOCOL_VERSION, page: entry.page, id: entry.id } as const;
    task.onProgressUpdate((u) => {
      entry.total = u.totalBytesExpectedToSend;
      if (live()) this.send({ ...base, type: 'progress', sent: u.totalBytesSent, total: u.totalBytesExpectedToSend });
    });
    task.onHeadersReceived((h) => {
      if (live()) this.send({ ...base, type: 'headers', header: h.header });
    });
    if (this.options.onUpload) {
      try {
        this.options.onUpload(task, { filePath: o.filePath, url: o.url });
      } catch (err) {
        logError('onUpload threw:', err);
      }
    }
    task.then(
      (res) => {
        if (!live()) return;
        this.entries.delete(key);
        this.send({
          ...base,
          type: 'success',
          statusCode: res.statusCode,
          header: res.header,
          data: res.data,
          totalBytes: entry.total,
        });
      },
      (err: { errMsg?: string }) => {
        if (!live()) return;
        this.entries.delete(key);
        const prefix = failMsg('');
        const errMsg = typeof err.errMsg === 'string' ? err.errMsg : failMsg(describeThrown(err));
        this.send({ ...base, type: 'fail', reason: errMsg.startsWith(prefix) ? errMsg.slice(prefix.length) : errMsg });
      },
    );
  }

  /** Delivers in order, and only to a page of an allowed origin. */
  private send(message: NativeMessage): void {
    this.sending = this.sending.then(async () => {
      try {
        if (!this.allowedUrl(this.controller.getUrl())) return;
        await this.controller.runJavaScript(deliveryScript(message));
      } catch (err) {
        // The page is gone or the WebView is not ready: nothing to deliver to.
      }
    });
  }
}

/**
 * Lets the pages of a WebView upload native files. Call it once the controller is attached to its Web
 * component (`onControllerAttached`), before the page loads, or pass `refresh: true`.
 */
export function attachUploadBridge(controller: webview.WebviewController, options: UploadBridgeOptions): UploadBridge {
  if (!options || !Array.isArray(options.allowedOrigins) || options.allowedOrigins.length === 0) {
    throw new TypeError('attachUploadBridge: options.allowedOrigins must list the origins whose pages may upload');
  }
  if (!Array.isArray(options.allowedPaths) || options.allowedPaths.length === 0) {
    throw new TypeError('attachUploadBridge: options.allowedPaths must list the directories pages may upload from');
  }
  return new BridgeHost(controller, options);
}
