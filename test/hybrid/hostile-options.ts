/**
 * Hostile options for the page's uploadFile, property-based (fast-check): generated in Node, they cross
 * into the page as JSON. The property: whatever they hold, no throw, no hang, a success or a clear
 * `uploadFile:fail ...`, fail and complete once each, and an upload beside them intact. Run on the page
 * path (test/hybrid/hostile.test.ts) and over the bridge (test/bridge/hostile.test.ts).
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { UploadServer, UploadSummary } from '../../server/types';
import { urlFor } from '../contract/cases';
import { expectSuccess } from '../contract/recording';
import type { Harness } from './harness';

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
    {
      // The files form: entries good or hostile, and now and then a filePath beside it.
      weight: 3,
      arbitrary: fc.record(
        {
          url: fieldOrHostile(url),
          files: fc.oneof(
            hostileValue,
            fc.array(
              fc.oneof(
                hostileValue,
                fc.record(
                  {
                    name: fieldOrHostile('file'),
                    filePath: fieldOrHostile(filePath),
                    fileName: fieldOrHostile('f.bin'),
                  },
                  { requiredKeys: [] },
                ),
              ),
              { maxLength: 4 },
            ),
          ),
          filePath: fc.option(fieldOrHostile(filePath), { freq: 4, nil: undefined }),
          timeout: fieldOrHostile(5000),
        },
        { requiredKeys: ['files'] },
      ),
    },
  );
}

export interface HostileRun {
  /** The file of an upload that runs beside the generated ones, and must arrive intact. */
  canary: { filePath: string; sha256: string };
  /** A valid filePath, which the generated options keep or replace. */
  filePath: string;
  runs: number;
  seed: number;
}

/**
 * Checks the property for `runs` generated options, around a valid url (the server's) and filePath, while
 * the canary uploads beside them; then the canary's bytes reached the server and the page threw nothing.
 */
export async function checkHostileOptions(harness: Harness, server: UploadServer, run: HostileRun): Promise<void> {
  const canary = harness.run({
    options: {
      url: urlFor(server, { readBps: 2 * 1024 * 1024 }),
      filePath: run.canary.filePath,
      name: 'canary',
      timeout: 60000,
    },
  });
  await fc.assert(
    fc.asyncProperty(optionsArbitrary(server.uploadUrl, run.filePath), async (options) => {
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
    { numRuns: run.runs, seed: run.seed },
  );
  const summary = JSON.parse(expectSuccess(await canary).data) as UploadSummary;
  expect(summary.files[0].sha256).toBe(run.canary.sha256);
  expect(harness.pageErrors).toEqual([]);
}
