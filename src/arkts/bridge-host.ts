/**
 * The native half of the hybrid bridge: attachUploadBridge(controller, options) lets the pages of one
 * ArkWeb WebView upload native files with this library's ArkTS uploadFile, and forwards each task's
 * events back to the page that started it.
 *
 * Security (docs/hybrid.md): only the top page may call, and only while its origin is in `allowedOrigins`;
 * a top page of another origin is refused at once (a few times a second at most), and an iframe, or a call
 * the controller cannot place, gets nothing. A file must resolve, after normalisation, inside one of
 * `allowedPaths`, and no path component below that directory may be a symbolic link, nor a folder named
 * like the one of the library's temporary copies (other uploads' files, copied for request.uploadFile);
 * only http(s) URLs; malformed, oversized or unknown messages are refused without touching other tasks.
 * What the host cannot check (an lstat that errs, a URL it cannot read) it refuses. A page load (a reload,
 * a navigation) aborts the uploads of the page before it: onPageBegin says so where the app forwards it;
 * elsewhere a new page id does, and the uploads it ends are told.
 *
 * Cookies (cookies.ts): an upload carries the WebView's cookies for its URL, and its answer's Set-Cookie is
 * kept in the WebView's store, exactly when the page's own XMLHttpRequest would do both: to the page's
 * origin always, to another only with `withCredentials`. A Cookie header of the page's is dropped, as the
 * browser drops it; the page's script never sees set-cookie.
 */
import { fileIo } from '@kit.CoreFileKit';
import type { common } from '@kit.AbilityKit';
import type { webview } from '@kit.ArkWeb';
import { deliveryScript, parsePageMessage, PROTOCOL_VERSION, PROXY_NAME } from '../bridge/protocol';
import type { NativeMessage, PageMessage, StartOptions } from '../bridge/protocol';
import { describeThrown, failMsg, logError, Reason } from '../core/errors';
import type { EngineStats } from '../core/engine';
import type { FormDataValue, HeaderRecord, UploadFileEntry, UploadTask, UploadTaskPromise } from '../core/types';
import { resolveContext } from './context';
import { keepCookies, storedCookies, usesCookies, withoutCookieHeader } from './cookies';
import { ENOENT, isUserFileUri, normalizePath, sandboxPathOf } from './files';
import { COPY_DIR } from './staging';
import { createArkTsEngine } from './upload';

export interface UploadBridgeOptions {
  /**
   * Origins whose pages may upload, e.g. `https://app.example.com`, `resource://rawfile`. Required. A top
   * page of another origin is refused at once, with its origin in the errMsg.
   */
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
  /**
   * Called with each native task the bridge starts, before any of its events (logging, metrics). Listen to
   * it; do not take its listeners off (offProgressUpdate()): the page's events come from them. For a
   * `files` upload, `files` lists the paths in order and `filePath` is the first.
   */
  onUpload?: (task: UploadTask, info: { filePath: string; url: string; files?: string[] }) => void;
}

export interface UploadBridge {
  /**
   * Wire to the Web component: `.onPageBegin((e) => bridge.onPageBegin(e.url))`. Aborts the uploads of the
   * page being left. Once it has been called, page loads come from it alone.
   */
  onPageBegin(url: string): void;
  /** Unregisters the proxy and aborts every upload this bridge started. */
  detach(): void;
  /** Uploads started by pages and not finished yet. */
  readonly activeUploads: number;
  /**
   * The bridge's own upload queue: pages' uploads run apart from the app's (uploadStats()), at most 10 at
   * once, so that a page cannot hold the app's own uploads back.
   */
  stats(): EngineStats;
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

/**
 * An authority as a URL parser writes it: `[userinfo@]host[:port]`, with a host of RFC 3986 characters or
 * an IPv6 address in brackets. Anything else (a backslash, a space, a second `@`) a browser may read
 * another way, so the host does not read it at all.
 */
const AUTHORITY = /^(?:[a-z0-9._~%!$&'()*+,;=:-]*@)?(\[[0-9a-f:.]+\]|[a-z0-9._~%!$&'()*+,;=-]*)(?::(\d*))?$/;

/**
 * Response headers as a page may see them: without `set-cookie` and `set-cookie2`, which the Fetch standard
 * never exposes to a page's script (its "forbidden response-header names": XMLHttpRequest's
 * getAllResponseHeaders() leaves them out), so that a cookie set by the upload server, an HttpOnly session
 * cookie among them, does not reach the page's script over the bridge either.
 */
export function pageHeaders(header: HeaderRecord): HeaderRecord {
  if (!('set-cookie' in header) && !('set-cookie2' in header)) return header;
  const out: HeaderRecord = {};
  for (const name of Object.keys(header)) if (name !== 'set-cookie' && name !== 'set-cookie2') out[name] = header[name];
  return out;
}

/**
 * ArkWeb's data folder: `web/` in the application's cacheDir (`/data/storage/el2/base/cache/web`, the
 * cookie database at `.../web/Cookies`), on any storage area.
 */
const ARKWEB_DATA = /^\/data\/storage\/el\d+\/base\/cache\/web(\/|$)/;

/** A URL without its `#fragment`. */
function withoutFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash < 0 ? url : url.slice(0, hash);
}

/** `scheme://host[:port]`, lower-cased, default ports dropped; undefined when there is none it can read. */
export function originOf(url: string): string | undefined {
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i.exec(url);
  if (!m) return undefined;
  const scheme = m[1].toLowerCase();
  const authority = AUTHORITY.exec(m[2].toLowerCase());
  if (!authority) return undefined;
  const port = authority[2] ? String(Number(authority[2])) : '';
  const defaultPort = (scheme === 'http' && port === '80') || (scheme === 'https' && port === '443');
  return `${scheme}://${authority[1]}${port === '' || defaultPort ? '' : `:${port}`}`;
}

/** "13900005 I/O error": a BusinessError's code and text. */
function describeError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof Error && typeof code === 'number' ? `${code} ${err.message}` : describeThrown(err);
}

/** A token bucket: `burst` at once, then `perSecond`. */
class RateLimit {
  private tokens: number;
  private at = Date.now();

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
  ) {
    this.tokens = burst;
  }

  /** Whether one more may go now; if so, it is counted. */
  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + (Math.max(0, now - this.at) * this.perSecond) / 1000);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }
}

/** What the host can tell about the frame that made a proxy call. */
type Caller =
  /** The top page, of an allowed origin. */
  | { kind: 'allowed' }
  /** The top page, of another origin; undefined: its URL has none the host can read. */
  | { kind: 'other'; origin: string | undefined }
  /** An iframe, or a call the controller cannot place: an answer would reach the top page, not the caller. */
  | { kind: 'unknown' };

const ALLOWED: Caller = { kind: 'allowed' };
const UNKNOWN: Caller = { kind: 'unknown' };

/** Where an answer may go: a top page of an allowed origin, or (a refusal of another origin) of that origin. */
type Audience = { allowed: true } | { allowed: false; origin: string | undefined };

const ALLOWED_PAGE: Audience = { allowed: true };

const DEFAULT_MAX_PER_PAGE = 200;
/** Refusals of pages of other origins: at most this many at once, */
const ORIGIN_REFUSALS_AT_ONCE = 10;
/** and this many a second after that; the others get no answer. */
const ORIGIN_REFUSALS_PER_SECOND = 2;

class BridgeHost implements UploadBridge {
  private readonly origins: Set<string>;
  private readonly dirs: string[];
  private readonly entries = new Map<string, Entry>();
  private readonly engine = createArkTsEngine();
  private readonly maxPerPage: number;
  /** The page id of the latest accepted upload (a sign of page loads where onPageBegin is not forwarded). */
  private page: string | undefined;
  /** The app forwards the Web component's onPageBegin: it has called it once. */
  private pageBegins = false;
  private detached = false;
  private sending: Promise<void> = Promise.resolve();
  private readonly originRefusals = new RateLimit(ORIGIN_REFUSALS_AT_ONCE, ORIGIN_REFUSALS_PER_SECOND);

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

  stats(): EngineStats {
    return this.engine.stats();
  }

  onPageBegin(url: string): void {
    void url;
    this.pageBegins = true;
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

  /** The top page's origin; undefined when the controller cannot tell. */
  private pageOrigin(): string | undefined {
    try {
      return originOf(this.controller.getUrl());
    } catch (err) {
      return undefined;
    }
  }

  private allowedOrigin(origin: string | undefined): boolean {
    return origin !== undefined && this.origins.has(origin);
  }

  /**
   * Only the top document may call: answers can only reach it (runJavaScript runs in the top page). A call
   * whose frame is not the top page's URL, or that the controller cannot place (it throws, or answers ''
   * as it does once it has lost its web instance), is an unknown caller. The URLs are compared without
   * their fragments: the calling frame's URL is the one it had when it called, the top page's the one it
   * has now, and a page that routes by its fragment (a hash router) changes it between the two.
   */
  private callerOf(): Caller {
    let top: string;
    let frame: string;
    try {
      top = this.controller.getUrl();
      frame = this.controller.getLastJavascriptProxyCallingFrameUrl();
    } catch (err) {
      return UNKNOWN;
    }
    if (
      typeof top !== 'string' ||
      top === '' ||
      typeof frame !== 'string' ||
      withoutFragment(frame) !== withoutFragment(top)
    ) {
      return UNKNOWN;
    }
    const origin = originOf(top);
    return this.allowedOrigin(origin) ? ALLOWED : { kind: 'other', origin };
  }

  private receive(text: string): void {
    if (this.detached) return;
    const caller = this.callerOf();
    if (caller.kind === 'unknown') return;
    if (caller.kind === 'other') {
      this.refuseOrigin(text, caller.origin);
      return;
    }
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
   * A top page of an origin not in allowedOrigins is told so at once, rather than waiting out its timeout
   * as if the network had failed. The answer names that page's own origin and nothing else (the page sees
   * the proxy anyway). At most ORIGIN_REFUSALS_AT_ONCE, then ORIGIN_REFUSALS_PER_SECOND, are answered, and
   * the rest are not even parsed, so that a hostile page cannot keep the native side busy.
   */
  private refuseOrigin(text: string, origin: string | undefined): void {
    if (!this.originRefusals.take()) return;
    const parsed = parsePageMessage(text);
    const page = parsed.ok ? parsed.message.page : parsed.page;
    // An abort waits for no answer.
    if (page === undefined || (parsed.ok && parsed.message.type === 'abort')) return;
    const reason =
      origin === undefined
        ? "the page's URL has no origin the bridge can read (scheme://host[:port])"
        : `origin ${origin} is not in allowedOrigins`;
    this.refuse(page, parsed.ok ? parsed.message.id : parsed.id, reason, { allowed: false, origin });
  }

  /**
   * Aborts the uploads of every page but `keep`. `tell`: the page may still be there (detach(), or a page
   * load inferred from a page id, which a script can forge), so its tasks get their outcome, `abort`,
   * rather than waiting for their timeout. A page that was left (onPageBegin) is told nothing: whatever
   * is sent would reach the page after it.
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
  private refuse(page: string, id: string | undefined, reason: string, to = ALLOWED_PAGE): void {
    const owned = id !== undefined && this.entries.has(`${page}/${id}`);
    this.send({ v: PROTOCOL_VERSION, page, type: 'refused', id: owned ? undefined : id, reason }, to);
  }

  /**
   * The uploads that count against the cap of `page`. With onPageBegin forwarded, every upload is of the
   * current page load, whatever page id its message gave; without it, those of other ids end as soon as
   * one of this id is accepted.
   */
  private unfinished(page: string): number {
    if (this.pageBegins) return this.entries.size;
    let count = 0;
    this.entries.forEach((e) => {
      if (e.page === page) count++;
    });
    return count;
  }

  private start(m: Extract<PageMessage, { type: 'start' }>): void {
    const key = `${m.page}/${m.id}`;
    if (this.entries.has(key)) {
      this.refuse(m.page, m.id, `task id ${m.id} is already in use`);
      return;
    }
    if (this.unfinished(m.page) >= this.maxPerPage) {
      this.refuse(m.page, m.id, `too many uploads from this page (at most ${this.maxPerPage} at once)`);
      return;
    }
    if (!/^https?:\/\//i.test(m.options.url)) {
      this.refuse(m.page, m.id, 'only http and https URLs may be uploaded to');
      return;
    }
    const entry: Entry = { page: m.page, id: m.id, aborted: false, total: 0 };
    this.entries.set(key, entry);
    // Decided as the page asks: its origin now, the upload's, its withCredentials.
    const cookies = usesCookies(this.pageOrigin(), originOf(m.options.url), m.options.withCredentials === true);
    this.checkPaths(m.options)
      .then(async (context) => {
        if (entry.aborted || this.entries.get(key) !== entry) return;
        if (!this.pageBegins && m.page !== this.page) {
          // Without onPageBegin, a page id not seen before is the only sign of a page load, and not a sure
          // one: a script of the page can post any id. The uploads it ends are told, so that a page still
          // there sees them fail at once; a page that is gone hears nothing. Only an accepted upload
          // counts: a refused message changes nothing.
          this.endUploads(true, m.page);
          this.page = m.page;
        }
        const header = withoutCookieHeader(m.options.header);
        if (cookies) {
          const line = await storedCookies(m.options.url);
          if (entry.aborted || this.entries.get(key) !== entry) return;
          if (line !== '') header.Cookie = line;
        }
        this.run(entry, key, { ...m.options, header }, context, cookies);
      })
      .catch((err: unknown) => {
        if (this.entries.get(key) !== entry) return;
        this.entries.delete(key);
        this.refuse(m.page, m.id, describeThrown(err));
      });
  }

  /**
   * checkPath for the one file, or for each of `files` in order: a refusal then names the entry
   * (`files[2]: filePath "..." is outside ...`).
   */
  private async checkPaths(o: StartOptions): Promise<common.Context> {
    const files = o.files;
    // The protocol's check: without `files`, filePath is a string.
    if (files === undefined) return this.checkPath(o.filePath as string);
    let context: common.Context | undefined;
    for (let i = 0; i < files.length; i++) {
      try {
        context = await this.checkPath(files[i].filePath);
      } catch (err) {
        throw new Error(`files[${i}]: ${describeThrown(err)}`);
      }
    }
    // At least one file: the protocol's check.
    return context as common.Context;
  }

  /**
   * Resolves, with the context it resolved filePath in, when filePath lies inside an allowed directory
   * without going through a symlink, or is a user file and the app allows them. What cannot be checked is
   * refused: only "no such file or directory" ends the walk early, and the upload then fails with
   * `file not found`, as in ArkTS.
   */
  private async checkPath(filePath: string): Promise<common.Context> {
    if (isUserFileUri(filePath)) {
      // Refused before anything is opened: the answer is the same whether or not the URI exists.
      if (this.options.allowUserFiles === true) return resolveContext(this.options.context);
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
    // ArkWeb keeps the WebView's own data (its cookie database among it) under the application's cacheDir:
    // no page may upload it, whatever allowedPaths says (docs/platform/ohos.web.webview.md).
    if (ARKWEB_DATA.test(path)) {
      throw new Error(
        `filePath "${filePath}" is in ArkWeb's data folder (cookies, storage of the WebView): pages may not upload from it`,
      );
    }
    let current = dir;
    for (const segment of path.slice(dir.length + 1).split('/')) {
      current = `${current}/${segment}`;
      let isLink: boolean;
      try {
        isLink = (await fileIo.lstat(current)).isSymbolicLink();
      } catch (err) {
        if ((err as { code?: unknown } | null)?.code === ENOENT) break;
        throw new Error(
          `cannot check filePath "${filePath}" for symbolic links: lstat of ${current} failed (${describeError(err)})`,
        );
      }
      if (isLink)
        throw new Error(`filePath "${filePath}" goes through a symbolic link, which the bridge does not follow`);
    }
    return context;
  }

  /**
   * Uploads with the ArkTS uploadFile, given the page's filePath as it is (so errMsgs are the same as in
   * ArkTS) and the context checkPath resolved it in.
   */
  private run(entry: Entry, key: string, o: StartOptions, context: common.Context, cookies: boolean): void {
    const formData: Record<string, FormDataValue> = {};
    for (const f of o.formData) formData[f.name] = f.value;
    const files: UploadFileEntry[] | undefined = o.files?.map((f) => ({
      filePath: f.filePath,
      name: f.name,
      fileName: f.fileName,
    }));
    const task = this.engine.uploadFile({
      url: o.url,
      filePath: o.filePath,
      name: o.name,
      files,
      header: o.header,
      formData,
      fileName: o.fileName,
      // No timeout (0) is background mode's default: given as absent.
      timeout: o.timeout > 0 ? o.timeout : undefined,
      retry: o.retry,
      background: o.background === true,
      network: o.background === true ? o.network : undefined,
      tag: o.background === true ? o.tag : undefined,
      context,
    });
    entry.task = task;
    const live = (): boolean => this.entries.get(key) === entry;
    const base = { v: PROTOCOL_VERSION, page: entry.page, id: entry.id } as const;
    task.onProgressUpdate((u) => {
      entry.total = u.totalBytesExpectedToSend;
      if (live()) this.send({ ...base, type: 'progress', sent: u.totalBytesSent, total: u.totalBytesExpectedToSend });
    });
    // The answer's cookies are in the WebView's store before the page hears of the answer, as with its own
    // requests: a request the page makes on hearing of it carries them.
    let kept: Promise<void> | undefined;
    const keep = (header: HeaderRecord): Promise<void> => {
      if (!cookies) return Promise.resolve();
      if (kept === undefined) kept = keepCookies(o.url, header);
      return kept;
    };
    task.onHeadersReceived((h) => {
      const stored = keep(h.header);
      if (live()) this.send({ ...base, type: 'headers', header: pageHeaders(h.header) }, ALLOWED_PAGE, stored);
    });
    if (this.options.onUpload) {
      try {
        const paths = files ? files.map((f) => f.filePath) : [o.filePath as string];
        this.options.onUpload(task, { filePath: paths[0], url: o.url, files: files ? paths : undefined });
      } catch (err) {
        logError('onUpload threw:', err);
      }
    }
    task.then(
      (res) => {
        const stored = keep(res.header);
        if (!live()) return;
        this.entries.delete(key);
        this.send(
          {
            ...base,
            type: 'success',
            statusCode: res.statusCode,
            header: pageHeaders(res.header),
            data: res.data,
            totalBytes: entry.total,
          },
          ALLOWED_PAGE,
          stored,
        );
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

  /**
   * Delivers in order, and only while the top page is of the audience's origin: an allowed one, or for the
   * refusal of another origin, that one. `after`: work this message (and every later one) waits for.
   */
  private send(message: NativeMessage, to = ALLOWED_PAGE, after?: Promise<void>): void {
    this.sending = this.sending.then(async () => {
      // keepCookies never rejects.
      if (after !== undefined) await after;
      try {
        const origin = originOf(this.controller.getUrl());
        if (to.allowed ? !this.allowedOrigin(origin) : origin !== to.origin) return;
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
  const max = options.maxUploadsPerPage;
  if (max !== undefined && !(Number.isSafeInteger(max) && max > 0)) {
    // Under NaN no count would ever reach the cap.
    throw new TypeError(`attachUploadBridge: options.maxUploadsPerPage must be a positive integer, not ${String(max)}`);
  }
  return new BridgeHost(controller, options);
}
