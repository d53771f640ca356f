/**
 * The page path as the contract suite sees it: the hybrid entry in headless Chromium, uploading web data
 * (a File kept in the page) with XMLHttpRequest to the real upload server, from another origin.
 */
import type { ContractTarget, TargetFile } from '../contract/cases';
import type { UploadServer } from '../../server/types';
import type { Harness } from './harness';

export async function pageTarget(harness: Harness, server: UploadServer): Promise<ContractTarget> {
  // missingFile() must answer at once: the revoked blob: URL is made up front.
  const revoked = await harness.revokedBlobUrl();
  return {
    name: 'hybrid page (Chromium)',
    server,
    // XHR sees every response, error statuses and their bodies included.
    errorResponses: { status: 'success', body: true },
    filePathTypes: 'String or Blob',
    async file(size: number, name = 'file.bin'): Promise<TargetFile> {
      const file = await harness.addFile(size, { fileName: name });
      return { filePath: file.filePath, sha256: file.sha256, size };
    },
    missingFile() {
      return { filePath: revoked, errMsg: `uploadFile:fail file not found: ${revoked}` };
    },
    run: (scenario) => harness.run(scenario),
    runMany: (scenarios) => harness.runMany(scenarios),
    configure: (settings) => harness.configure(settings),
    takeUnhandledRejections: () => harness.takeUnhandledRejections(),
    async leaks() {
      const stats = await harness.uploadStats();
      const xhrs = await harness.xhrCounts();
      await harness.closeIdleSockets();
      return {
        libraryTasks: stats.live,
        running: stats.running,
        waiting: stats.waiting,
        openXhrs: xhrs.open,
        serverSockets: server.openSockets(),
      };
    },
  };
}
