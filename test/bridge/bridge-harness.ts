/**
 * The bridge end to end: the test page (src/hybrid) in real Chromium talks, through the ArkWeb stand-in,
 * to the native half (src/arkts/bridge-host) running in Node, which uploads with the ArkTS adapter over
 * the @ohos.request emulation to the real server.
 */
import type { webview } from '@kit.ArkWeb';
import { afterAll, beforeAll } from 'vitest';
import { attachUploadBridge } from '../../src/arkts/bridge-host';
import type { UploadBridge, UploadBridgeOptions } from '../../src/arkts/bridge-host';
import { configure, uploadStats } from '../../src/arkts/upload';
import type { ArkTsBackend } from '../../src/arkts/types';
import type { UploadFileFailResult, UploadFileSuccessResult, UploadTask } from '../../src/core/types';
import type { ContractTarget, TargetFile } from '../contract/cases';
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
export function bridgeTarget(side: BridgePage, server: UploadServer): ContractTarget {
  const { harness, bridge } = side;
  const http = side.backend === 'http';
  return {
    name: `hybrid bridge (Chromium + native host on ${side.backend})`,
    server,
    // request.agent sees the statuses and withholds error bodies; @ohos.net.http sees both.
    errorResponses: { status: 'success', body: http },
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
      const nativeStats = uploadStats();
      const e = emulationStats();
      return {
        pageTasks: page.live,
        pageRunning: page.running,
        pageWaiting: page.waiting,
        bridgeUploads: bridge.activeUploads,
        nativeTasks: nativeStats.live,
        agentTasks: e.agentTasks,
        httpRequests: e.httpRequests,
        httpTransfers: e.httpTransfers,
        platformListeners: e.listeners,
        clientSockets: e.openSockets,
        serverSockets: server.openSockets(),
      };
    },
  };
}

/** A describe block's bridge target: a server, the emulation, one WebView page with the bridge. */
export function useBridgeTarget(backend: ArkTsBackend = 'agent'): {
  target: ContractTarget;
  server: UploadServer;
  side: BridgePage;
} {
  const holder = {} as { target: ContractTarget; server: UploadServer; side: BridgePage };
  beforeAll(async () => {
    holder.server = await startUploadServer();
    configureEmulation({ progressIntervalMs: 100 });
    holder.side = await startBridgePage({ backend });
    holder.target = bridgeTarget(holder.side, holder.server);
  });
  afterAll(async () => {
    await holder.side?.harness.close();
    await resetEmulation();
    await holder.server?.close();
  });
  return holder;
}
