/**
 * The page half of the bridge: native file paths are uploaded by the native side (attachUploadBridge),
 * which reports back through window[RECEIVER_NAME].receive. Only messages for this page load and for a
 * task it started are acted on.
 *
 * The page's bridge state (its page id, its tasks) lives on window[RECEIVER_NAME], not in this module:
 * two copies of the library in one page (a script tag and a bundle, two micro-frontends) share one page
 * id and one receiver, so that neither takes the other's answers or looks like a new page load.
 */
import { describeThrown, logError } from '../core/errors';
import type { Transport, TransportHandle, TransportSink } from '../core/transport';
import {
  MAX_MESSAGE_LENGTH,
  parseNativeMessage,
  PROTOCOL_VERSION,
  PROXY_NAME,
  RECEIVER_NAME,
} from '../bridge/protocol';
import type { NativeMessage, PageMessage, StartOptions } from '../bridge/protocol';
import type { UploadRequest } from '../core/options';
import type { HybridSource } from './types';

interface NativeProxy {
  post(message: string): void;
}

interface PageBridge {
  v: number;
  /** Names this page load in every message. */
  page: string;
  /** The tasks posted and not ended, by id. */
  sinks: Map<string, TransportSink>;
  count: number;
  receive(payload: unknown): void;
}

type BridgeWindow = Window & {
  [PROXY_NAME]?: Partial<NativeProxy>;
  [RECEIVER_NAME]?: Partial<PageBridge>;
};

const NO_BRIDGE =
  'no native bridge: a native file path can only be uploaded in an ArkWeb WebView whose controller has attachUploadBridge(); in a browser, pass a Blob, a File, or a blob: URL';

function bridgeWindow(): BridgeWindow | undefined {
  return typeof window === 'undefined' ? undefined : (window as BridgeWindow);
}

function nativeProxy(): NativeProxy | undefined {
  const proxy = bridgeWindow()?.[PROXY_NAME];
  return proxy && typeof proxy.post === 'function' ? (proxy as NativeProxy) : undefined;
}

/** Whether the page runs in a WebView whose native side attached the upload bridge. */
export function hasBridge(): boolean {
  return nativeProxy() !== undefined;
}

function randomId(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function decode(payload: string): string {
  const binary = atob(payload);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new TextDecoder().decode(bytes);
}

function receive(bridge: PageBridge, payload: unknown): void {
  if (typeof payload !== 'string') return;
  let text: string;
  try {
    text = decode(payload);
  } catch (err) {
    return;
  }
  const parsed = parseNativeMessage(text);
  if (!parsed.ok || parsed.message.page !== bridge.page) return;
  dispatch(bridge.sinks, parsed.message);
}

function dispatch(sinks: Map<string, TransportSink>, m: NativeMessage): void {
  const id = m.id;
  const sink = id === undefined ? undefined : sinks.get(id);
  if (!sink || id === undefined) {
    if (m.type === 'refused') logError(`the native bridge refused a message: ${m.reason}`);
    return;
  }
  switch (m.type) {
    case 'progress':
      sink.progress(m.sent, m.total);
      break;
    case 'headers':
      sink.headers(m.header);
      break;
    case 'success':
      sinks.delete(id);
      sink.success({ statusCode: m.statusCode, header: m.header, data: m.data, totalBytes: m.totalBytes });
      break;
    case 'fail':
      // The native side already retried as asked: the page does not try again.
      sinks.delete(id);
      sink.fail(m.reason);
      break;
    case 'refused':
      sinks.delete(id);
      sink.fail(`refused by the native bridge: ${m.reason}`);
      break;
  }
}

/** The page's bridge state: the one another copy of the library installed, or a new one. */
function pageBridge(w: BridgeWindow): PageBridge {
  const found = w[RECEIVER_NAME];
  if (
    found &&
    found.v === PROTOCOL_VERSION &&
    typeof found.page === 'string' &&
    found.sinks instanceof Map &&
    Number.isSafeInteger(found.count) &&
    typeof found.receive === 'function'
  ) {
    return found as PageBridge;
  }
  const bridge: PageBridge = {
    v: PROTOCOL_VERSION,
    page: randomId(),
    sinks: new Map(),
    count: 0,
    receive: (payload) => receive(bridge, payload),
  };
  w[RECEIVER_NAME] = bridge;
  return bridge;
}

function post(proxy: NativeProxy, message: PageMessage): void {
  const text = JSON.stringify(message);
  // The native side refuses longer messages unread; say so here, where the caller can be told.
  if (text.length > MAX_MESSAGE_LENGTH) {
    throw new RangeError(
      `the upload's options are too large for the native bridge (${text.length} characters, at most ${MAX_MESSAGE_LENGTH})`,
    );
  }
  proxy.post(text);
}

/** The start message's options: one file as filePath, name and fileName; `files` as they are. */
function startOptions(req: UploadRequest<HybridSource>): StartOptions {
  const { url, header, formData, timeout, retry, withCredentials } = req;
  // Every source is a path: the transport checked it.
  const files = req.files.map((part) => ({
    filePath: part.source as string,
    name: part.name,
    fileName: part.fileName,
  }));
  const options: StartOptions =
    req.form === 'files'
      ? { url, files, header, formData, timeout, retry, withCredentials }
      : { url, ...files[0], header, formData, timeout, retry, withCredentials };
  // Only when asked for: a page that never asks sends the messages it always sent.
  if (req.background) {
    options.background = true;
    options.network = req.network;
    if (req.tag !== undefined) options.tag = req.tag;
  }
  return options;
}

const closed: TransportHandle = { close() {} };
export const bridgeTransport: Transport<HybridSource> = {
  start(req, sink) {
    const w = bridgeWindow();
    const proxy = nativeProxy();
    if (!w || !proxy || !req.files.every((part) => typeof part.source === 'string')) {
      sink.fail(NO_BRIDGE);
      return closed;
    }
    const bridge = pageBridge(w);
    const { page, sinks } = bridge;
    let id: string;
    do id = `t${++bridge.count}`;
    while (sinks.has(id));
    sinks.set(id, sink);
    const message: PageMessage = { v: PROTOCOL_VERSION, page, type: 'start', id, options: startOptions(req) };
    // Posted at once: the core starts a transport a microtask after uploadFile(), so an abort() in the caller's
    // same turn has already ended the upload, and no start is ever posted for it.
    try {
      post(proxy, message);
    } catch (err) {
      sinks.delete(id);
      sink.fail(err instanceof RangeError ? err.message : `native bridge error: ${describeThrown(err)}`);
      return closed;
    }
    return {
      close() {
        // Still ours: the outcome came from this side (abort, timeout); tell the native side to stop.
        if (!sinks.delete(id)) return;
        try {
          post(proxy, { v: PROTOCOL_VERSION, page, type: 'abort', id });
        } catch (err) {
          logError('could not ask the native side to abort:', err);
        }
      },
    };
  },
};
