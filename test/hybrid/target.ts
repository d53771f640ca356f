/**
 * The page path as the contract suite sees it: the hybrid entry in headless Chromium, uploading web data
 * (a File kept in the page) with XMLHttpRequest to the real upload server, from another origin.
 */
import { afterEach, expect } from 'vitest';
import { useSuite } from '../contract/cases';
import type { ContractTarget, TargetFile, TargetSuite } from '../contract/cases';
import { startUploadServer } from '../../server/upload-server';
import type { UploadServer } from '../../server/types';
import { Harness } from './harness';
import type { HarnessOptions } from './harness';

function pageTarget(harness: Harness, server: UploadServer, revoked: string): ContractTarget {
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
    runInSequence: (scenarios) => harness.runInSequence(scenarios),
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

/** How the test page is opened (Harness.start's options). */
export type PageTargetOptions = HarnessOptions;

/** What usePageTarget fills in: the target, its server, and the Chromium page behind it. */
export interface PageSuite extends TargetSuite {
  harness: Harness;
}

/**
 * A describe block's page target: the upload server and Chromium with the test page, and the checks
 * around each test (the page's files released; no uncaught error in the page).
 */
export function usePageTarget(options: PageTargetOptions = {}): PageSuite {
  const suite = useSuite<PageSuite>({
    async start(suite) {
      suite.server = await startUploadServer();
      suite.harness = await Harness.start(options);
      // missingFile() must answer at once: the revoked blob: URL is made up front.
      suite.target = pageTarget(suite.harness, suite.server, await suite.harness.revokedBlobUrl());
    },
    async stop(suite) {
      const errors = suite.harness?.pageErrors ?? [];
      await suite.harness?.close();
      await suite.server?.close();
      expect(errors, 'uncaught errors in the page').toEqual([]);
    },
  });
  // Each test makes its own files; the page keeps no more than one test's worth.
  afterEach(() => suite.harness.releaseFiles());
  return suite;
}
