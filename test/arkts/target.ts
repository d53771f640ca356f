/**
 * The ArkTS target as the contract suite sees it: the real adapter (src/arkts) over the @ohos.request
 * emulation, uploading to the real local server.
 */
import { COPY_DIR } from '../../src/arkts/staging';
import { configure, uploadFile, uploadStats } from '../../src/arkts/index';
import type { ArkTsBackend } from '../../src/arkts/types';
import { afterAll, beforeAll } from 'vitest';
import type { TargetFile } from '../contract/cases';
import { runScenario } from '../contract/driver';
import type { SourceTarget } from '../contract/sources';
import { configureEmulation, emulationStats, resetEmulation } from '../../emulator/control';
import { getSandbox } from '../../emulator/sandbox';
import { startUploadServer } from '../../server/upload-server';
import type { UploadServer } from '../../server/types';
import { emulatedSources } from './source-files';

let files = 0;
let unhandled = 0;
process.on('unhandledRejection', () => {
  unhandled++;
});

export function arktsTarget(server: UploadServer, backend: ArkTsBackend): SourceTarget {
  const sandbox = getSandbox();
  const context = sandbox.createContext();
  configure({ context, backend });
  return {
    name: `ArkTS (${backend})`,
    server,
    errorResponses:
      backend === 'uploadFile' ? { status: 'withheld', body: false } : { status: 'success', body: backend === 'http' },
    emptyFormFields: backend !== 'http',
    abortEndsTransfer: backend !== 'http',
    ...emulatedSources(context),
    async file(size: number, name = 'file.bin'): Promise<TargetFile> {
      const filePath = `${context.filesDir}/contract/${++files}-${name}`;
      const sha256 = await sandbox.writeFile(filePath, { size, seed: files });
      return { filePath, sha256, size };
    },
    missingFile() {
      const filePath = `${context.filesDir}/no-such-file-${Date.now()}.bin`;
      return { filePath, errMsg: `uploadFile:fail file not found: ${filePath}` };
    },
    run: (scenario) => runScenario(uploadFile, scenario),
    runMany: (scenarios) => Promise.all(scenarios.map((s) => runScenario(uploadFile, s))),
    async configure(settings) {
      configure(settings);
    },
    async takeUnhandledRejections() {
      await new Promise((r) => setTimeout(r, 50));
      const n = unhandled;
      unhandled = 0;
      return n;
    },
    async leaks() {
      const s = uploadStats();
      const e = emulationStats();
      return {
        libraryTasks: s.live,
        running: s.running,
        waiting: s.waiting,
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

export interface ArktsTargetOptions {
  /** The engine the adapter uploads with (default request.agent, as on the bridge's native side). */
  backend?: ArkTsBackend;
}

/** What useArktsTarget fills in. */
export interface ArktsSuite {
  target: SourceTarget;
  server: UploadServer;
}

/**
 * A describe block's ArkTS target: a fresh server, the emulation with progress every 100 ms (devices:
 * 1000 ms; shorter keeps the suites fast), torn down afterwards. Filled in by beforeAll.
 */
export function useArktsTarget(options: ArktsTargetOptions = {}): ArktsSuite {
  const suite = {} as ArktsSuite;
  beforeAll(async () => {
    suite.server = await startUploadServer();
    configureEmulation({ progressIntervalMs: 100 });
    suite.target = arktsTarget(suite.server, options.backend ?? 'agent');
  });
  afterAll(async () => {
    await resetEmulation();
    await suite.server?.close();
  });
  return suite;
}
