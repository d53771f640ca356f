/**
 * The ArkTS target as the contract suite sees it: the real adapter (src/arkts) over the @ohos.request
 * emulation, uploading to the real local server.
 */
import { configure, uploadFile, uploadStats } from '../../src/arkts/index';
import type { ArkTsBackend } from '../../src/arkts/types';
import { useSuite } from '../contract/cases';
import type { TargetFile, TargetSuite } from '../contract/cases';
import { inSequence, runScenario } from '../contract/driver';
import type { SourceTarget } from '../contract/sources';
import { getSandbox } from '../../emulator/sandbox';
import type { UploadServer } from '../../server/types';
import { deviceLeaks, startEmulatedDevice, stopEmulatedDevice } from './device';
import { emulatedSources } from './source-files';

let files = 0;
/**
 * Unhandled rejections in this process, counted by one listener per process: test files that share a
 * worker load this module anew, and would otherwise add a listener each.
 */
const UNHANDLED = Symbol.for('harmony-upload-task/test/unhandled-rejections');
const unhandledCount = ((): { n: number } => {
  const holder = globalThis as { [UNHANDLED]?: { n: number } };
  if (holder[UNHANDLED] === undefined) {
    const count = { n: 0 };
    process.on('unhandledRejection', () => {
      count.n++;
    });
    holder[UNHANDLED] = count;
  }
  holder[UNHANDLED].n = 0;
  return holder[UNHANDLED];
})();

function arktsTarget(server: UploadServer, backend: ArkTsBackend, background: boolean): SourceTarget {
  const sandbox = getSandbox();
  const context = sandbox.createContext();
  configure({ context, backend, background });
  return {
    name: `ArkTS (${backend}${background ? ', background' : ''})`,
    server,
    errorResponses:
      backend === 'uploadFile' ? { status: 'withheld', body: false } : { status: 'success', body: backend === 'http' },
    emptyFormFields: backend !== 'http',
    abortEndsTransfer: backend !== 'http',
    abortEndsSeveralFiles: false,
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
    runInSequence: (scenarios) => inSequence(scenarios, (s) => runScenario(uploadFile, s)),
    async configure(settings) {
      configure(settings);
    },
    async takeUnhandledRejections() {
      await new Promise((r) => setTimeout(r, 50));
      const n = unhandledCount.n;
      unhandledCount.n = 0;
      return n;
    },
    async leaks() {
      const s = uploadStats();
      return {
        libraryTasks: s.live,
        running: s.running,
        draining: s.draining,
        waiting: s.waiting,
        ...deviceLeaks(server, context),
      };
    },
  };
}

export interface ArktsTargetOptions {
  /** The engine the adapter uploads with (default request.agent, as on the bridge's native side). */
  backend?: ArkTsBackend;
  /** Every upload in background mode (configure({ background: true })); default false. */
  background?: boolean;
}

/** What useArktsTarget fills in. */
export type ArktsSuite = TargetSuite<SourceTarget>;

/** A describe block's ArkTS target, on an emulated device of its own (startEmulatedDevice). */
export function useArktsTarget(options: ArktsTargetOptions = {}): ArktsSuite {
  return useSuite<ArktsSuite>({
    async start(suite) {
      suite.server = await startEmulatedDevice();
      suite.target = arktsTarget(suite.server, options.backend ?? 'agent', options.background === true);
    },
    stop: (suite) => stopEmulatedDevice(suite.server),
  });
}
