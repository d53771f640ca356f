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
import { watchAppState } from './app-state';
import { backgroundTransport } from './background';
import { resolveContext, setDefaultContext } from './context';
import { httpCannotSend, httpTransport } from './http-transport';
import { INTERRUPTED, UploadFailure } from './platform-errors';
import type { ArkTsBackend, ArkTsSettings, ArkTsSource, ArkTsUploadFileOptions } from './types';
import { uploadFileTransport } from './upload-file-transport';

let backend: ArkTsBackend = 'auto';
/**
 * How long an @ohos.net.http upload goes on once the app is in the background before it is ended with
 * `uploadFile:fail interrupted`, as WeChat does: the system suspends the app's process a few seconds after it
 * leaves the foreground, and its transfer with it (docs/background.md).
 */
export const DEFAULT_INTERRUPT_AFTER_MS = 5000;
let interruptAfterMs = DEFAULT_INTERRUPT_AFTER_MS;

function hasNetHttp(): boolean {
  return typeof http === 'object' && http !== null && typeof http.createHttp === 'function';
}

function hasAgent(): boolean {
  const agent = (request as { agent?: { create?: unknown } }).agent;
  return typeof agent === 'object' && agent !== null && typeof agent.create === 'function';
}

/** A filePath, and the context it is resolved in (the option, configure()'s, getContext()), read at the call. */
const arktsSourceRules: SourceRules<ArkTsSource> = {
  read(value, field, options) {
    const problem = checkPathString(value, 'String', field);
    if (problem) return { ok: false, reason: problem };
    try {
      return { ok: true, value: { filePath: value as string, context: resolveContext(options.context) } };
    } catch (err) {
      if (err instanceof UploadFailure) return { ok: false, reason: err.message };
      throw err;
    }
  },
  fileName: (source) => baseName(source.filePath),
};

/**
 * Several files go in one request, or not at all: request.agent (without the `multipart` option of API 15,
 * which the library does not use) and request.uploadFile send each file in a request of its own
 * (docs/platform/ohos.request.md), so only @ohos.net.http sends them.
 */
function oneRequestOnly(engine: string, count: number): string {
  return `parameter error: parameter.files lists ${count} files, which ${engine} would send in a request each: configure({ backend: 'http' }) or 'auto' sends them in one request`;
}

/**
 * Background mode runs on request.agent, so it too sends a request per file; and no other engine runs it, so
 * the way out is an upload per file, or the files in one request without background mode.
 */
function oneFileInBackground(count: number): string {
  return `parameter error: parameter.files lists ${count} files, and a background upload sends one (request.agent would send each in a request of its own): upload them one at a time, or in one request without background mode`;
}

/**
 * The engine of one upload, so configure({ backend }) applies to the next one. `auto`: @ohos.net.http, but
 * request.agent for an upload of one file it cannot send (an empty form field, a fileName that is no file
 * name), and request.uploadFile where the system has neither (docs/engines.md). Several files: only
 * @ohos.net.http.
 */
function transportFor(req: UploadRequest<ArkTsSource>): Transport<ArkTsSource> {
  const count = req.files.length;
  if (req.background) {
    if (backend === 'http' || backend === 'uploadFile') return failing(backgroundRefused(backend));
    if (!hasAgent()) return failing('background uploads need request.agent, which this system does not have');
    return count > 1 ? failing(oneFileInBackground(count)) : backgroundTransport;
  }
  if (backend === 'http') return interruptible(httpTransport);
  if (backend === 'agent') return count > 1 ? failing(oneRequestOnly('request.agent', count)) : agentTransport;
  if (backend === 'uploadFile')
    return count > 1 ? failing(oneRequestOnly('request.uploadFile', count)) : uploadFileTransport;
  if (count > 1) {
    if (hasNetHttp()) return interruptible(httpTransport);
    return failing(
      `parameter error: parameter.files lists ${count} files, and only @ohos.net.http sends several files in one request, which this system does not have`,
    );
  }
  if (hasNetHttp() && httpCannotSend(req) === undefined) return interruptible(httpTransport);
  return hasAgent() ? agentTransport : uploadFileTransport;
}

function backgroundRefused(name: ArkTsBackend): string {
  return `background uploads run on request.agent: backend '${name}' cannot run one (configure({ backend: 'agent' }) or 'auto')`;
}

/** A transport that fails every upload at once with `reason`. */
function failing(reason: string): Transport<ArkTsSource> {
  return {
    start(_req, sink) {
      sink.fail(reason);
      return { close: () => undefined };
    },
  };
}

/**
 * An engine that runs in the app's process (@ohos.net.http): an upload still running `interruptAfterMs` after
 * the app went to the background ends with `interrupted` (back in the foreground sooner, it goes on).
 */
function interruptible(inner: Transport<ArkTsSource>): Transport<ArkTsSource> {
  return {
    start(req, sink) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let since = 0;
      const stop = watchAppState(req.files[0].source.context, (background) => {
        clearTimeout(timer);
        timer = undefined;
        if (background) {
          since = Date.now();
          timer = setTimeout(() => sink.fail(INTERRUPTED), interruptAfterMs);
        } else if (since > 0 && Date.now() - since >= interruptAfterMs) {
          // Suspended before its timer could fire: the time in the background was long enough all the same.
          sink.fail(INTERRUPTED);
        }
        if (!background) since = 0;
      });
      const handle = inner.start(req, sink);
      return {
        close: () => {
          clearTimeout(timer);
          stop();
          return handle.close();
        },
      };
    },
  };
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
  const nextBackend = settings.backend ?? backend;
  if (settings.background === true && (nextBackend === 'http' || nextBackend === 'uploadFile'))
    throw new RangeError(backgroundRefused(nextBackend));
  const wait = settings.interruptAfterMs;
  if (wait !== undefined && !(typeof wait === 'number' && wait >= 0 && wait <= 2147483647))
    throw new RangeError(`interruptAfterMs should be a number of milliseconds >= 0, got ${String(wait)}`);
  engine.configure(settings);
  if ('context' in settings) setDefaultContext(settings.context);
  if (settings.backend !== undefined) backend = settings.backend;
  if (wait !== undefined) interruptAfterMs = wait;
}

/** Uploads not finished yet, running and waiting: for diagnostics and leak checks. */
export function uploadStats(): EngineStats {
  return engine.stats();
}
