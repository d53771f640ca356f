/** The ArkTS target's uploadFile: the core's engine over the @ohos.net.http and @ohos.request transports. */
import { request } from '@kit.BasicServicesKit';
import { http } from '@kit.NetworkKit';
import { createUploadEngine } from '../core/engine';
import type { EngineStats, UploadEngine } from '../core/engine';
import { baseName } from '../core/mime';
import { checkPathString } from '../core/options';
import type { SourceRules, UploadRequest } from '../core/options';
import type { Transport } from '../core/transport';
import type { UploadTaskPromise } from '../core/types';
import { agentTransport } from './agent-transport';
import { resolveContext, setDefaultContext } from './context';
import { httpCannotSend, httpTransport } from './http-transport';
import { UploadFailure } from './platform-errors';
import type { ArkTsBackend, ArkTsSettings, ArkTsSource, ArkTsUploadFileOptions } from './types';
import { uploadFileTransport } from './upload-file-transport';

let backend: ArkTsBackend = 'auto';

function hasNetHttp(): boolean {
  return typeof http === 'object' && http !== null && typeof http.createHttp === 'function';
}

function hasAgent(): boolean {
  const agent = (request as { agent?: { create?: unknown } }).agent;
  return typeof agent === 'object' && agent !== null && typeof agent.create === 'function';
}

/** The filePath, and the context it is resolved in (the option, configure()'s, getContext()), read at the call. */
const arktsSourceRules: SourceRules<ArkTsSource> = {
  read(options) {
    const problem = checkPathString(options.filePath);
    if (problem) return { ok: false, reason: problem };
    try {
      return { ok: true, value: { filePath: options.filePath as string, context: resolveContext(options.context) } };
    } catch (err) {
      if (err instanceof UploadFailure) return { ok: false, reason: err.message };
      throw err;
    }
  },
  fileName: (source) => baseName(source.filePath),
};

/**
 * The engine of one upload, so configure({ backend }) applies to the next one. `auto`: @ohos.net.http, but
 * request.agent for an upload it cannot send (an empty form field, a fileName that is no file name), and
 * request.uploadFile where the system has neither (docs/engines.md).
 */
function transportFor(req: UploadRequest<ArkTsSource>): Transport<ArkTsSource> {
  if (backend === 'http') return httpTransport;
  if (backend === 'agent') return agentTransport;
  if (backend === 'uploadFile') return uploadFileTransport;
  if (hasNetHttp() && httpCannotSend(req) === undefined) return httpTransport;
  return hasAgent() ? agentTransport : uploadFileTransport;
}

const arktsTransport: Transport<ArkTsSource> = {
  start: (req, sink) => transportFor(req).start(req, sink),
};

/**
 * An ArkTS upload engine with a queue of its own (at most 10 at once; configure() sets the library's), on
 * the backend configure() chose. The hybrid bridge runs pages' uploads on one, apart from the app's own.
 */
export function createArkTsEngine(): UploadEngine<ArkTsUploadFileOptions> {
  return createUploadEngine<ArkTsSource, ArkTsUploadFileOptions>(arktsSourceRules, arktsTransport);
}

const engine = createArkTsEngine();

/** Starts an upload; returns at once the task, which is also a promise of the result. */
export function uploadFile(options: ArkTsUploadFileOptions): UploadTaskPromise {
  return engine.uploadFile(options);
}

/** Sets library-wide defaults: the context, the concurrency cap (default 10), the backend. */
export function configure(settings: ArkTsSettings): void {
  // Everything is checked before anything is applied: a setting that throws changes nothing.
  const known: readonly ArkTsBackend[] = ['auto', 'http', 'agent', 'uploadFile'];
  if (settings.backend !== undefined && !known.includes(settings.backend)) {
    throw new RangeError(`backend should be 'auto', 'http', 'agent' or 'uploadFile', got ${String(settings.backend)}`);
  }
  engine.configure(settings);
  if ('context' in settings) setDefaultContext(settings.context);
  if (settings.backend !== undefined) backend = settings.backend;
}

/** Uploads not finished yet, running and waiting: for diagnostics and leak checks. */
export function uploadStats(): EngineStats {
  return engine.stats();
}
