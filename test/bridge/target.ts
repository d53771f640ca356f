/**
 * The bridge end to end: the test page (src/hybrid) in real Chromium talks, through the ArkWeb stand-in,
 * to the native half (src/arkts/bridge-host) running in Node, which uploads with the ArkTS adapter over
 * the @ohos.request emulation to the real server.
 */
import type { webview } from '@kit.ArkWeb';
import { attachUploadBridge } from '../../src/arkts/bridge-host';
import type { UploadBridge, UploadBridgeOptions } from '../../src/arkts/bridge-host';
import type { ArkTsBackend } from '../../src/arkts/types';
import { configure, uploadStats } from '../../src/arkts/upload';
import type { UploadFileFailResult, UploadFileSuccessResult, UploadTask } from '../../src/core/types';
import { uniqueId, urlFor, useSuite } from '../contract/cases';
import type { TargetFile, TargetSuite } from '../contract/cases';
import type { Recording } from '../contract/driver';
import type { EventOf } from '../contract/recording';
import type { SourceTarget } from '../contract/sources';
import { emulatedSources } from '../arkts/source-files';
import { deviceLeaks, startEmulatedDevice, stopEmulatedDevice } from '../arkts/device';
import { getSandbox } from '../../emulator/sandbox';
import { Harness } from '../hybrid/harness';
import type { UploadServer } from '../../server/types';
import { PlaywrightWebview } from '../../emulator/ohos.web.webview/webview-controller';

/** What the recorder sees of a native task: its listeners' events and its promise. */
export type NativeEvent = EventOf<'progress' | 'headers' | 'resolved' | 'rejected'>;

/** What ArkTS listeners on the native tasks saw, one list per upload, in start order. */
export class NativeRecorder {
  readonly uploads: Array<{ filePath: string; files?: string[]; events: NativeEvent[]; done: Promise<void> }> = [];

  readonly onUpload = (task: UploadTask, info: { filePath: string; files?: string[] }): void => {
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
    this.uploads.push({ filePath: info.filePath, files: info.files, events, done });
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

export interface BridgeTargetOptions {
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

/**
 * One WebView page with the bridge attached before it loads, as an app attaches it. useBridgeTarget starts
 * one; a test that needs another page, or a fresh one, starts it here and closes its harness.
 */
export async function startBridgePage(options: BridgeTargetOptions = {}): Promise<BridgePage> {
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

/** A file of `size` random bytes in the bridge's allowed directory: a native path a page may name. */
export async function nativeFile(size: number, name = 'file.bin'): Promise<NativeFile> {
  const filePath = `${bridgeDir}/${++files}-${name}`;
  const sha256 = await sandbox.writeFile(filePath, { size, seed: 1000 + files });
  return { filePath, sha256, size };
}

/** Two native files, and the `files` entries (fields `a` and `b`) that name them. */
export async function twoNativeFiles(
  sizes: readonly [number, number],
  prefix: string,
): Promise<{ a: NativeFile; b: NativeFile; files: Array<{ name: string; filePath: string }> }> {
  const a = await nativeFile(sizes[0], `${prefix}-a.bin`);
  const b = await nativeFile(sizes[1], `${prefix}-b.bin`);
  return {
    a,
    b,
    files: [
      { name: 'a', filePath: a.filePath },
      { name: 'b', filePath: b.filePath },
    ],
  };
}

/** The bridge as the contract suite sees it: page listeners, native files, the native engine's semantics. */
function bridgeTarget(side: BridgePage, server: UploadServer): SourceTarget {
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
    abortEndsSeveralFiles: false,
    filePathTypes: 'String or Blob',
    file: nativeFile,
    missingFile() {
      const filePath = `${bridgeDir}/missing-${Date.now()}.bin`;
      return { filePath, errMsg: `uploadFile:fail file not found: ${filePath}` };
    },
    run: (scenario) => harness.run(scenario),
    runMany: (scenarios) => harness.runMany(scenarios),
    runInSequence: (scenarios) => harness.runInSequence(scenarios),
    configure: (settings) => harness.configure(settings),
    takeUnhandledRejections: () => harness.takeUnhandledRejections(),
    async leaks() {
      const page = await harness.uploadStats();
      const nativeStats = bridge.stats();
      const appStats = uploadStats();
      return {
        pageTasks: page.live,
        pageRunning: page.running,
        pageWaiting: page.waiting,
        bridgeUploads: bridge.activeUploads,
        nativeTasks: nativeStats.live,
        nativeDraining: nativeStats.draining,
        appTasks: appStats.live,
        ...deviceLeaks(server, context),
      };
    },
  };
}

/** What useBridgeTarget fills in: the target, its server, and the WebView page with the bridge behind it. */
export interface BridgeSuite extends TargetSuite<SourceTarget> {
  side: BridgePage;
}

/** A describe block's bridge target: an emulated device of its own, and one WebView page with the bridge. */
export function useBridgeTarget(options: BridgeTargetOptions = {}): BridgeSuite {
  return useSuite<BridgeSuite>({
    async start(suite) {
      suite.server = await startEmulatedDevice();
      suite.side = await startBridgePage(options);
      suite.target = bridgeTarget(suite.side, suite.server);
    },
    async stop(suite) {
      await suite.side?.harness.close();
      await stopEmulatedDevice(suite.server);
    },
  });
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

/**
 * A page upload under way, from the page's own library: paced by the server at `readBps`, returned once its
 * first bytes have arrived. `run` is its recording, settled at its outcome.
 */
export async function runningUpload(
  side: BridgePage,
  server: UploadServer,
  upload: { filePath: string; readBps: number; timeout?: number; label?: string },
): Promise<{ id: string; run: Promise<Recording> }> {
  const id = uniqueId(upload.label ?? 'running');
  const run = side.harness.run({
    options: {
      url: urlFor(server, { id, readBps: upload.readBps }),
      filePath: upload.filePath,
      name: 'file',
      timeout: upload.timeout,
    },
  });
  await server.waitFor((x) => x.id === id && x.bytesReceived > 0, 5000);
  return { id, run };
}
