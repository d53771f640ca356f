/**
 * Hostile options on the page path (and, with native paths, over the bridge), property-based
 * (hostile-options.ts): no throw, no hang, a success or a clear `uploadFile:fail ...`, fail and complete
 * once, and an upload beside them intact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureEmulation, resetEmulation } from '../../emulator/control';
import { nativeFile, startBridgePage } from '../bridge/bridge-harness';
import type { BridgePage } from '../bridge/bridge-harness';
import { checkHostileOptions } from './hostile-options';
import { usePageTarget } from './target';

describe('hostile options on the page path', () => {
  const suite = usePageTarget();

  it('no throw, no hang, one clear outcome; a Blob upload beside them arrives intact', async () => {
    const canary = await suite.harness.addFile(12 * 1024 * 1024, { fileName: 'canary.bin' });
    const small = await suite.harness.addFile(1024, { fileName: 'small.bin' });
    const filePath = await suite.harness.blobUrl(small.key);
    await checkHostileOptions(suite.harness, suite.server, { canary, filePath, runs: 150, seed: 1357 });
  }, 120000);
});

describe('hostile options over the bridge', () => {
  let side: BridgePage;
  beforeAll(async () => {
    configureEmulation({ progressIntervalMs: 100 });
    side = await startBridgePage();
  });
  afterAll(async () => {
    await side?.harness.close();
    await resetEmulation();
  });

  it('no throw, no hang, one clear outcome; a native upload beside them arrives intact', async () => {
    const { startUploadServer } = await import('../../server/upload-server');
    const server = await startUploadServer();
    try {
      const canary = await nativeFile(12 * 1024 * 1024, 'canary.bin');
      const small = await nativeFile(1024, 'small.bin');
      await checkHostileOptions(side.harness, server, { canary, filePath: small.filePath, runs: 150, seed: 2468 });
      await expect.poll(() => side.bridge.activeUploads).toBe(0);
    } finally {
      await server.close();
    }
  }, 120000);
});
