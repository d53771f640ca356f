/**
 * Hostile options on the page path, property-based (hostile-options.ts): no throw, no hang, a success or a
 * clear `uploadFile:fail ...`, fail and complete once, and a Blob upload beside them intact. The same
 * options with native paths go over the bridge in test/bridge/hostile.test.ts.
 */
import { describe, it } from 'vitest';
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
