/**
 * Hostile input on the ArkTS target, property-based (fast-check): whatever the options object holds,
 * uploadFile never throws, never hangs, ends with either a success or a clear `uploadFile:fail ...`,
 * calls fail/complete once, and does not disturb an upload running beside it.
 */
import { inspect } from 'node:util';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { configure, uploadFile, uploadStats } from '../../src/arkts/index';
import type { UploadFileCompleteResult, UploadFileSuccessResult } from '../../src/core/types';
import { emulationStats } from '../../emulator/control';
import { getSandbox } from '../../emulator/sandbox';
import type { UploadSummary } from '../../server/types';
import { useArktsTarget } from './target';

const suite = useArktsTarget();
const sandbox = getSandbox();
const context = sandbox.createContext();
const goodPath = `${context.filesDir}/hostile/good.bin`;
let goodSha = '';

beforeAll(async () => {
  goodSha = await sandbox.writeFile(goodPath, { size: 2048, seed: 9 });
});

interface Observed {
  threw: unknown;
  outcome: 'success' | 'fail' | 'hang';
  errMsg?: string;
  result?: UploadFileSuccessResult;
  callbacks: string[];
}

/** Calls uploadFile as a careless or hostile caller might, and records what happens. */
async function observe(options: unknown, hangMs = 8000): Promise<Observed> {
  const callbacks: string[] = [];
  const withCallbacks =
    typeof options === 'object' && options !== null && !Array.isArray(options)
      ? {
          ...(options as Record<string, unknown>),
          fail: () => void callbacks.push('fail'),
          complete: (r: UploadFileCompleteResult) => void callbacks.push(`complete:${r.errMsg.split(' ')[0]}`),
        }
      : options;
  let task: PromiseLike<UploadFileSuccessResult> & { abort(): void };
  try {
    task = uploadFile(withCallbacks as never);
  } catch (err) {
    return { threw: err, outcome: 'hang', callbacks };
  }
  const timer = new Promise<'hang'>((r) => setTimeout(() => r('hang'), hangMs));
  const settled = Promise.resolve(task).then(
    (result) => ({ outcome: 'success' as const, result }),
    (err: { errMsg?: unknown }) => ({ outcome: 'fail' as const, errMsg: String(err?.errMsg) }),
  );
  const winner = await Promise.race([settled, timer]);
  if (winner === 'hang') {
    task.abort();
    return { threw: undefined, outcome: 'hang', callbacks };
  }
  await new Promise((r) => setTimeout(r, 0));
  return { threw: undefined, ...winner, callbacks };
}

const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\r\n',
    '\0',
    '"',
    "'",
    '../',
    '..\\',
    '/',
    '%00',
    'ftp://x',
    'javascript:alert(1)',
    'http://',
    'https://[::1',
    '\u2028',
    '\ud800',
  ),
  fc.string({ maxLength: 5000 }),
);
const hostileValue = fc.oneof(
  hostileString,
  fc.anything({ maxDepth: 2 }),
  fc.constant(undefined),
  fc.func(fc.anything()),
  fc.bigInt(),
);

function fieldOrHostile<T>(good: T): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 3, arbitrary: fc.constant(good) }, { weight: 2, arbitrary: hostileValue });
}

describe.each(['http', 'agent'] as const)('hostile options on the ArkTS target on %s', (backend) => {
  beforeAll(() => configure({ context, backend }));

  it('any options object: no throw, no hang, one clear outcome, other uploads undisturbed', async () => {
    // A slow upload runs through the whole property run: hostile calls must not affect it.
    const canaryPath = `${context.filesDir}/hostile/canary.bin`;
    const canarySha = await sandbox.writeFile(canaryPath, { size: 12 * 1024 * 1024, seed: 10 });
    const canary = uploadFile({
      url: `${suite.server.uploadUrl}?readBps=${2 * 1024 * 1024}`,
      filePath: canaryPath,
      name: 'canary',
      timeout: 60000,
    });

    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 1, arbitrary: hostileValue },
          {
            weight: 6,
            arbitrary: fc.record(
              {
                url: fieldOrHostile(suite.server.uploadUrl),
                filePath: fieldOrHostile(goodPath),
                name: fieldOrHostile('file'),
                header: fc.oneof(
                  fieldOrHostile({ 'X-A': '1' }),
                  fc.dictionary(hostileString, fc.oneof(hostileString, fc.integer(), fc.boolean()), { maxKeys: 4 }),
                ),
                formData: fc.oneof(
                  fieldOrHostile({ a: 'b' }),
                  fc.dictionary(hostileString, hostileValue, { maxKeys: 4 }),
                ),
                timeout: fieldOrHostile(5000),
                fileName: fieldOrHostile('f.bin'),
                retry: fieldOrHostile({ count: 0 }),
                success: fieldOrHostile(() => undefined),
              },
              { requiredKeys: [] },
            ),
          },
          {
            // The files form: entries good or hostile, and now and then one of the one-file options beside it.
            weight: 3,
            arbitrary: fc.record(
              {
                url: fieldOrHostile(suite.server.uploadUrl),
                files: fc.oneof(
                  hostileValue,
                  fc.array(
                    fc.oneof(
                      hostileValue,
                      fc.record(
                        {
                          name: fieldOrHostile('file'),
                          filePath: fieldOrHostile(goodPath),
                          fileName: fieldOrHostile('f.bin'),
                        },
                        { requiredKeys: [] },
                      ),
                    ),
                    { maxLength: 4 },
                  ),
                ),
                filePath: fc.option(fieldOrHostile(goodPath), { freq: 4, nil: undefined }),
                formData: fieldOrHostile({ a: 'b' }),
                timeout: fieldOrHostile(5000),
              },
              { requiredKeys: ['files'] },
            ),
          },
        ),
        async (options) => {
          const seen = await observe(options);
          expect(seen.threw).toBeUndefined();
          expect(seen.outcome).not.toBe('hang');
          if (seen.outcome === 'fail') expect(seen.errMsg).toMatch(/^uploadFile:fail \S/);
          else expect(seen.result?.errMsg).toBe('uploadFile:ok');
          // Options that are an object get observe()'s fail and complete: each runs once, fail first.
          const objectOptions = typeof options === 'object' && options !== null && !Array.isArray(options);
          if (objectOptions) {
            expect(seen.callbacks).toEqual(
              seen.outcome === 'fail' ? ['fail', 'complete:uploadFile:fail'] : ['complete:uploadFile:ok'],
            );
          }
        },
      ),
      { numRuns: 300, seed: 424242 },
    );

    const res = await canary;
    expect((JSON.parse(res.data) as UploadSummary).files[0].sha256).toBe(canarySha);
    await expect.poll(() => uploadStats().live).toBe(0);
    await expect
      .poll(() => emulationStats())
      .toMatchObject({ agentTasks: 0, httpRequests: 0, httpTransfers: 0, openSockets: 0 });
  }, 120000);

  it('any header or formData object on otherwise valid options: uploaded or refused clearly, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(hostileString, fc.oneof(hostileString, fc.integer(), fc.boolean(), fc.constant(null)), {
          maxKeys: 4,
        }),
        fc.dictionary(hostileString, hostileValue, { maxKeys: 4 }),
        async (header, formData) => {
          const seen = await observe({
            url: suite.server.uploadUrl,
            filePath: goodPath,
            name: 'file',
            header,
            formData,
          });
          expect(seen.threw).toBeUndefined();
          expect(seen.outcome).not.toBe('hang');
          if (seen.outcome === 'fail')
            expect(seen.errMsg, inspect({ header, formData })).toMatch(
              /^uploadFile:fail parameter error: parameter\.(header|formData)/,
            );
        },
      ),
      { numRuns: 300, seed: 8080 },
    );
  }, 120000);

  it('odd file names, unicode fields and huge formData: uploaded intact or refused clearly', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
          fc.constantFrom(
            'a"b.txt',
            "it's.txt",
            'dir/x.png',
            '..\\..\\win.ini',
            'emoji 😀.jpg',
            ' lead.txt',
            'semi;colon=1.bin',
          ),
        ),
        fc.dictionary(
          fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
          fc.string({ unit: 'grapheme', maxLength: 200 }),
          { maxKeys: 20 },
        ),
        async (fileName, formData) => {
          const seen = await observe({
            url: suite.server.uploadUrl,
            filePath: goodPath,
            name: 'file',
            fileName,
            formData,
          });
          expect(seen.outcome).not.toBe('hang');
          if (seen.outcome === 'fail') {
            expect(seen.errMsg).toMatch(/^uploadFile:fail parameter error: parameter\.(fileName|formData)/);
            return;
          }
          const summary = JSON.parse(seen.result?.data ?? '{}') as UploadSummary;
          expect(summary.files[0].sha256).toBe(goodSha);
          // Quotes travel as %22 in multipart names, as browsers send them.
          expect(summary.files[0].filename).toBe(fileName.replace(/"/g, '%22'));
          for (const [k, v] of Object.entries(formData)) expect(summary.fields[k.replace(/"/g, '%22')]).toBe(v);
        },
      ),
      { numRuns: 60, seed: 777 },
    );
    const many: Record<string, string> = {};
    for (let i = 0; i < 5000; i++) many[`field${i}`] = `value ${i} ✓`;
    many.big = 'x'.repeat(2 * 1024 * 1024);
    const res = await uploadFile({ url: suite.server.uploadUrl, filePath: goodPath, name: 'file', formData: many });
    const summary = JSON.parse(res.data) as UploadSummary;
    expect(Object.keys(summary.fields)).toHaveLength(5001);
    expect(summary.fields.big.length).toBe(2 * 1024 * 1024);
    expect(summary.files[0].sha256).toBe(goodSha);
  }, 120000);
});
