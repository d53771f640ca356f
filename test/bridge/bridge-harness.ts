/**
 * The bridge end to end: the test page (src/hybrid) in real Chromium talks, through the ArkWeb stand-in,
 * to the native half (src/arkts/bridge-host) running in Node, which uploads with the ArkTS adapter over
 * the @ohos.request emulation to the real server.
 */
import type { webview } from '@kit.ArkWeb';
import { afterAll, beforeAll } from 'vitest';
import { attachUploadBridge } from '../../src/arkts/bridge-host';
import type { UploadBridge, UploadBridgeOptions } from '../../src/arkts/bridge-host';
import { COPY_DIR } from '../../src/arkts/staging';
import type { ArkTsBackend } from '../../src/arkts/types';
import { configure, uploadStats } from '../../src/arkts/upload';
import type { UploadFileFailResult, UploadFileSuccessResult, UploadTask } from '../../src/core/types';
import { urlFor } from '../contract/cases';
import type { TargetFile } from '../contract/cases';
import type { Recording } from '../contract/driver';
import type { SourceTarget } from '../contract/sources';
import { emulatedSources } from '../arkts/source-files';
import { configureEmulation, emulationStats, resetEmulation } from '../../emulator/control';
import { startUploadServer } from '../../server/upload-server';
import { getSandbox } from '../../emulator/sandbox';
import { Harness } from '../hybrid/harness';
import type { UploadServer } from '../../server/types';
import { PlaywrightWebview } from '../../emulator/ohos.web.webview/webview-controller';

export type NativeEvent =
  | { kind: 'progress'; progress: number; sent: number; expected: number }
  | { kind: 'headers'; header: Record<string, string> }
  | { kind: 'resolved'; result: UploadFileSuccessResult }
  | { kind: 'rejected'; result: UploadFileFailResult };

/** What ArkTS listeners on the native tasks saw, one list per upload, in start order. */
export class NativeRecorder {
  readonly uploads: Array<{ filePath: string; events: NativeEvent[]; done: Promise<void> }> = [];

  readonly onUpload = (task: UploadTask, info: { filePath: string }): void => {
    const events: NativeEvent[] = [];
    task.onProgressUpdate((u) =>
      events.push({
        kind: 'progress',
        progress: u.progress,
        sent: u.totalBytesSent,
        expected: u.totalBytesExpectedToSend,
      }),
    );
    task.onHeadersReceived((h) => events.push({ kind: 'headers', header: h.header }));
    const done = (task as unknown as Promise<UploadFileSuccessResult>).then(
      (result) => void events.push({ kind: 'resolved', result }),
      (result: UploadFileFailResult) => void events.push({ kind: 'rejected', result }),
    );
    this.uploads.push({ filePath: info.filePath, events, done });
  };
}

export interface BridgePage {
  harness: Harness;
  webview: PlaywrightWebview;
  bridge: UploadBridge;
  native: NativeRecorder;
  origin: string;
  /** The engine the native side uploads with. */
  backend: ArkTsBackend;
}

export const sandbox = getSandbox();
export const context = sandbox.createContext();
export const bridgeDir = `${context.cacheDir}/bridge`;

export interface BridgePageOptions {
  /** The allowed origins, given the page's own; default: just the page's. */
  allowedOrigins?: (origin: string) => string[];
  allowedPaths?: string[];
  /** Wire the Web component's onPageBegin to the bridge, as an app should (default true). */
  wirePageBegin?: boolean;
  maxUploadsPerPage?: UploadBridgeOptions['maxUploadsPerPage'];
  allowUserFiles?: UploadBridgeOptions['allowUserFiles'];
  /** The native side's engine (default request.agent). */
  backend?: ArkTsBackend;
}

export async function startBridgePage(options: BridgePageOptions = {}): Promise<BridgePage> {
  const backend = options.backend ?? 'agent';
  configure({ context, backend });
  const native = new NativeRecorder();
  let webviewRef: PlaywrightWebview | undefined;
  let bridgeRef: UploadBridge | undefined;
  let originRef = '';
  const harness = await Harness.start({
    beforeLoad: async (page, origin) => {
      originRef = origin;
      const view = await PlaywrightWebview.create(page);
      const bridge = attachUploadBridge(view as unknown as webview.WebviewController, {
        allowedOrigins: options.allowedOrigins ? options.allowedOrigins(origin) : [origin],
        allowedPaths: options.allowedPaths ?? [bridgeDir],
        context,
        onUpload: native.onUpload,
        maxUploadsPerPage: options.maxUploadsPerPage,
        allowUserFiles: options.allowUserFiles,
      });
      if (options.wirePageBegin !== false) view.onPageBegin((url) => bridge.onPageBegin(url));
      await view.registered();
      webviewRef = view;
      bridgeRef = bridge;
    },
  });
  if (!webviewRef || !bridgeRef) throw new Error('the bridge was not attached');
  return { harness, webview: webviewRef, bridge: bridgeRef, native, origin: originRef, backend };
}

let files = 0;

export interface NativeFile extends TargetFile {
  filePath: string;
}

export async function nativeFile(size: number, name = 'file.bin'): Promise<NativeFile> {
  const filePath = `${bridgeDir}/${++files}-${name}`;
  const sha256 = await sandbox.writeFile(filePath, { size, seed: 1000 + files });
  return { filePath, sha256, size };
}

/** The bridge as the contract suite sees it: page listeners, native files, the native engine's semantics. */
export function bridgeTarget(side: BridgePage, server: UploadServer): SourceTarget {
  const { harness, bridge } = side;
  const http = side.backend === 'http';
  return {
    ...emulatedSources(context),
    name: `hybrid bridge (Chromium + native host on ${side.backend})`,
    server,
    // request.agent sees the statuses and withholds error bodies; @ohos.net.http sees both;
    // request.uploadFile withholds both.
    errorResponses: { status: side.backend === 'uploadFile' ? 'withheld' : 'success', body: http },
    emptyFormFields: !http,
    abortEndsTransfer: !http,
    filePathTypes: 'String or Blob',
    file: nativeFile,
    missingFile() {
      const filePath = `${bridgeDir}/missing-${Date.now()}.bin`;
      return { filePath, errMsg: `uploadFile:fail file not found: ${filePath}` };
    },
    run: (scenario) => harness.run(scenario),
    runMany: (scenarios) => harness.runMany(scenarios),
    configure: (settings) => harness.configure(settings),
    takeUnhandledRejections: () => harness.takeUnhandledRejections(),
    async leaks() {
      const page = await harness.uploadStats();
      const nativeStats = bridge.stats();
      const appStats = uploadStats();
      const e = emulationStats();
      return {
        pageTasks: page.live,
        pageRunning: page.running,
        pageWaiting: page.waiting,
        bridgeUploads: bridge.activeUploads,
        nativeTasks: nativeStats.live,
        nativeDraining: nativeStats.draining,
        appTasks: appStats.live,
        agentTasks: e.agentTasks,
        uploadFileTasks: e.uploadTasks,
        httpRequests: e.httpRequests,
        httpTransfers: e.httpTransfers,
        platformListeners: e.listeners,
        clientSockets: e.openSockets,
        serverSockets: server.openSockets(),
        cacheCopies: sandbox.list(`${context.cacheDir}/${COPY_DIR}`).length,
        openFiles: e.openFiles,
      };
    },
  };
}

/** A describe block's bridge target: a server, the emulation, one WebView page with the bridge. */
export function useBridgeTarget(options: BridgePageOptions = {}): {
  target: SourceTarget;
  server: UploadServer;
  side: BridgePage;
} {
  const holder = {} as { target: SourceTarget; server: UploadServer; side: BridgePage };
  beforeAll(async () => {
    holder.server = await startUploadServer();
    configureEmulation({ progressIntervalMs: 100 });
    holder.side = await startBridgePage(options);
    holder.target = bridgeTarget(holder.side, holder.server);
  });
  afterAll(async () => {
    await holder.side?.harness.close();
    await resetEmulation();
    await holder.server?.close();
  });
  return holder;
}

/** The errMsg of a recorded upload's `fail` event. */
export function errMsgOf(r: Recording): string | undefined {
  const fail = r.events.find((e) => e.kind === 'fail');
  return fail?.kind === 'fail' ? fail.result.errMsg : undefined;
}

/** The messages the native side delivered, decoded from their runJavaScript scripts. */
export function delivered(scripts: string[]): Array<Record<string, unknown> & { page: string; type: string }> {
  return scripts.map((script) => {
    const b64 = /receive\("([A-Za-z0-9+/=]*)"\)/.exec(script)?.[1] ?? '';
    return JSON.parse(Buffer.from(b64, 'base64').toString('utf8')) as { page: string; type: string };
  });
}

/** Records what the native side sends to this page, decoded, in place of the library's receiver. */
export async function captureReplies(side: BridgePage): Promise<void> {
  await side.harness.page.evaluate(() => {
    const w = window as unknown as { __replies: unknown[]; __harmonyUploadBridge: { receive(b64: string): void } };
    w.__replies = [];
    w.__harmonyUploadBridge = {
      receive(b64: string) {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        w.__replies.push(JSON.parse(new TextDecoder().decode(bytes)));
      },
    };
  });
}

/** The replies captureReplies() recorded, after `settleMs`. */
export async function replies(side: BridgePage, settleMs = 400): Promise<Array<Record<string, unknown>>> {
  await new Promise((r) => setTimeout(r, settleMs));
  return side.harness.page.evaluate(
    () => (window as unknown as { __replies: Array<Record<string, unknown>> }).__replies,
  );
}

/**
 * Starts an upload of `filePath` in the page, paced by the server at `readBps`, and leaves it running (the
 * page is reloaded or navigated under it): resolves once the server has its first bytes.
 */
export async function leaveRunning(
  side: BridgePage,
  server: UploadServer,
  id: string,
  filePath: string,
  readBps: number,
): Promise<void> {
  await side.harness.page.evaluate(
    ([url, path]) => {
      void window.harness.run({ options: { url, filePath: path, name: 'file' } });
    },
    [urlFor(server, { id, readBps }), filePath] as const,
  );
  await server.waitFor((x) => x.id === id && x.bytesReceived > 0, 5000);
}

/** Posts `text` to the native proxy from the top page, as a script of the page can. */
export async function postRaw(side: BridgePage, text: string): Promise<void> {
  await side.harness.page.evaluate((t) => {
    (window as unknown as { __harmonyUploadNative: { post(m: string): void } }).__harmonyUploadNative.post(t);
  }, text);
}

/** Adds an iframe of the page's own origin to the page, and posts `text` to the native proxy from it. */
export async function postFromIframe(side: BridgePage, text: string): Promise<void> {
  await side.harness.page.evaluate(async (origin) => {
    const frame = document.createElement('iframe');
    frame.src = `${origin}/other.html`;
    document.body.append(frame);
    await new Promise((r) => frame.addEventListener('load', r));
  }, side.origin);
  const child = side.harness.page.frames().find((f) => f !== side.harness.page.mainFrame());
  if (!child) throw new Error('no iframe');
  await child.evaluate(
    (m) => (window as unknown as { __harmonyUploadNative: { post(x: string): void } }).__harmonyUploadNative.post(m),
    text,
  );
}

/** A start message as the page's library posts it. */
export function startMessage(page: string, id: string, options: Record<string, unknown>): string {
  return JSON.stringify({ v: 1, page, type: 'start', id, options });
}

/** Well-formed start options. */
export function startOptions(filePath: string, url: string): Record<string, unknown> {
  return {
    url,
    filePath,
    name: 'file',
    header: {},
    formData: [],
    fileName: 'x.bin',
    timeout: 30000,
    retry: { count: 0, backoff: 0 },
  };
}
