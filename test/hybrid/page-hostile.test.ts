/**
 * Hostile options on the page path (and, with native paths, over the bridge), property-based: the
 * options are generated in Node and cross into the page as JSON. Whatever they hold: no throw, no hang,
 * a success or a clear `uploadFile:fail ...`, fail and complete once, and an upload beside them intact.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { urlFor } from '../contract/cases';
import type { UploadSummary } from '../../server/types';
import { configureEmulation, resetEmulation } from '../../emulator/control';
import { nativeFile, startBridgePage } from '../bridge/bridge-harness';
import type { BridgePage } from '../bridge/bridge-harness';
import type { Harness } from './harness';
import { usePageSuite } from './suite';

const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\r\n',
    '\0',
    '"',
    '../',
    '%00',
    'ftp://x',
    'javascript:alert(1)',
    'http://',
    'blob:',
    'data:',
    'data:,x',
    '/data/storage/el2/base/x',
    'internal://cache/../x',
    '\u2028',
  ),
);
const hostileValue = fc.oneof(hostileString, fc.jsonValue({ maxDepth: 2 }), fc.constant(null));

function fieldOrHostile<T>(good: T): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 3, arbitrary: fc.constant(good) }, { weight: 2, arbitrary: hostileValue });
}

function optionsArbitrary(url: string, filePath: string): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 1, arbitrary: hostileValue },
    {
      weight: 6,
      arbitrary: fc.record(
        {
          url: fieldOrHostile(url),
          filePath: fieldOrHostile(filePath),
          name: fieldOrHostile('file'),
          header: fieldOrHostile({ 'X-A': '1' }),
          formData: fieldOrHostile({ a: 'b' }),
          timeout: fieldOrHostile(5000),
          fileName: fieldOrHostile('f.bin'),
          retry: fieldOrHostile({ count: 0 }),
        },
        { requiredKeys: [] },
      ),
    },
  );
}

async function checkProperty(
  harness: Harness,
  url: string,
  filePath: string,
  runs: number,
  seed: number,
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(optionsArbitrary(url, filePath), async (options) => {
      const seen = await harness.rawUpload(options, 10000);
      expect(seen.threw).toBeNull();
      expect(seen.outcome).not.toBe('hang');
      if (seen.outcome === 'fail') {
        expect(seen.errMsg).toMatch(/^uploadFile:fail \S/);
        if (typeof options === 'object' && options !== null && !Array.isArray(options)) {
          expect([seen.failCalls, seen.completeCalls]).toEqual([1, 1]);
        }
      } else {
        expect(seen.completeCalls).toBe(1);
      }
    }),
    { numRuns: runs, seed },
  );
}

describe('hostile options on the page path', () => {
  const suite = usePageSuite();

  it('no throw, no hang, one clear outcome; a Blob upload beside them arrives intact', async () => {
    const canary = await suite.harness.addFile(12 * 1024 * 1024, { fileName: 'canary.bin' });
    const small = await suite.harness.addFile(1024, { fileName: 'small.bin' });
    const running = suite.harness.run({
      options: {
        url: urlFor(suite.server, { readBps: 2 * 1024 * 1024 }),
        filePath: canary.filePath,
        name: 'canary',
        timeout: 60000,
      },
    });
    const blobUrl = await suite.harness.blobUrl(small.key);
    await checkProperty(suite.harness, suite.server.uploadUrl, blobUrl, 150, 1357);
    const r = await running;
    const s = r.events.find((e) => e.kind === 'success');
    expect(s?.kind === 'success' && (JSON.parse(s.result.data) as UploadSummary).files[0].sha256).toBe(canary.sha256);
    expect(suite.harness.pageErrors).toEqual([]);
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
      const running = side.harness.run({
        options: {
          url: urlFor(server, { readBps: 2 * 1024 * 1024 }),
          filePath: canary.filePath,
          name: 'canary',
          timeout: 60000,
        },
      });
      await checkProperty(side.harness, server.uploadUrl, small.filePath, 150, 2468);
      const r = await running;
      const s = r.events.find((e) => e.kind === 'success');
      expect(s?.kind === 'success' && (JSON.parse(s.result.data) as UploadSummary).files[0].sha256).toBe(canary.sha256);
      expect(side.harness.pageErrors).toEqual([]);
      await expect.poll(() => side.bridge.activeUploads).toBe(0);
    } finally {
      await server.close();
    }
  }, 120000);
});
