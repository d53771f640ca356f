/** The ArkTS target's uploadFile: the core's engine over the @ohos.request transports. */
import { request } from '@kit.BasicServicesKit';
import { stringPathRules } from '../core/options';
import { createUploadEngine } from '../core/task';
import type { EngineStats } from '../core/task';
import type { Transport } from '../core/transport';
import type { UploadTaskPromise } from '../core/types';
import { agentTransport } from './agent-transport';
import { setDefaultContext } from './context';
import { legacyTransport } from './legacy-transport';
import type { ArkTsBackend, ArkTsSettings, ArkTsUploadFileOptions } from './types';

let backend: ArkTsBackend = 'auto';

function hasAgent(): boolean {
  const agent = (request as { agent?: { create?: unknown } }).agent;
  return typeof agent === 'object' && agent !== null && typeof agent.create === 'function';
}

/** Chooses the @ohos.request API per upload, so configure({ backend }) applies to the next one. */
const arktsTransport: Transport<string, ArkTsUploadFileOptions> = {
  start(req, options, sink) {
    const useAgent = backend === 'agent' || (backend === 'auto' && hasAgent());
    return (useAgent ? agentTransport : legacyTransport).start(req, options, sink);
  },
};

const engine = createUploadEngine<string, ArkTsUploadFileOptions>(stringPathRules, arktsTransport);

/** Starts an upload; returns at once the task, which is also a promise of the result. */
export function uploadFile(options: ArkTsUploadFileOptions): UploadTaskPromise {
  return engine.uploadFile(options);
}

/** Sets library-wide defaults: the context, the concurrency cap (default 10), the backend. */
export function configure(settings: ArkTsSettings): void {
  if ('context' in settings) setDefaultContext(settings.context);
  if (settings.backend !== undefined) {
    if (settings.backend !== 'auto' && settings.backend !== 'agent' && settings.backend !== 'uploadFile') {
      throw new RangeError(`backend should be 'auto', 'agent' or 'uploadFile', got ${String(settings.backend)}`);
    }
    backend = settings.backend;
  }
  engine.configure(settings);
}

/** Uploads not finished yet, running and waiting: for diagnostics and leak checks. */
export function uploadStats(): EngineStats {
  return engine.stats();
}

