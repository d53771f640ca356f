/**
 * Hostile input over the bridge, property-based. Messages: arbitrary JSON, near-valid messages with one
 * field wrong, unknown and foreign task ids, huge payloads; the host never throws, answers only with
 * refusals (or runs what is valid), and an upload beside them is not disturbed. Options: the page path's
 * hostile options (test/hybrid/hostile-options.ts) with native paths, through the whole bridge.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parsePageMessage } from '../../src/bridge/protocol';
import { uniqueId, urlFor } from '../contract/cases';
import { checkHostileOptions } from '../hybrid/hostile-options';
import { captureReplies, postRaw, postRawAll, replies, startOptions } from './messages';
import { nativeFile, useBridgeTarget } from './target';

const validStart = (filePath: string, url: string): Record<string, unknown> => ({
  v: 1,
  page: 'fuzzpage',
  type: 'start',
  id: 'fuzz',
  options: { ...startOptions(filePath, url), timeout: 5000 },
});

/** A valid start message with one field (top-level or in options) replaced by anything. */
function mutated(filePath: string, url: string): fc.Arbitrary<string> {
  const keys = [
    'v',
    'page',
    'type',
    'id',
    'options',
    'options.url',
    'options.filePath',
    'options.name',
    'options.header',
    'options.formData',
    'options.fileName',
    'options.timeout',
    'options.retry',
  ];
  return fc
    .tuple(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 2 }), fc.string({ maxLength: 12 }))
    .map(([key, value, id]) => {
      const m = validStart(filePath, url);
      m.id = `f${id.replace(/[^A-Za-z0-9]/g, '')}${Math.random().toString(36).slice(2, 8)}`;
      const [top, sub] = key.split('.');
      if (sub) (m.options as Record<string, unknown>)[sub] = value;
      else m[top] = value;
      return JSON.stringify(m);
    });
}

describe('protocol parsing', () => {
  it('never throws, and accepts only well-formed messages', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.anything(),
          fc.constant(JSON.stringify(validStart('/data/x.bin', 'https://example.com/'))),
          fc.constant(JSON.stringify({ v: 1, page: 'fuzzpage', type: 'abort', id: 'fuzz' })),
        ),
        (input) => {
          const parsed = parsePageMessage(input);
          if (parsed.ok) {
            expect(parsed.message.v).toBe(1);
            expect(['start', 'abort']).toContain(parsed.message.type);
          } else {
            expect(parsed.reason.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 2000, seed: 99 },
    );
    // The well-formed ones the mix holds are accepted as they are.
    expect(parsePageMessage(JSON.stringify(validStart('/data/x.bin', 'https://example.com/')))).toMatchObject({
      ok: true,
      message: { type: 'start', id: 'fuzz', options: { filePath: '/data/x.bin' } },
    });
    expect(parsePageMessage(JSON.stringify({ v: 1, page: 'fuzzpage', type: 'abort', id: 'fuzz' }))).toMatchObject({
      ok: true,
      message: { type: 'abort', id: 'fuzz' },
    });
  });
});

describe('hostile messages to the native host', () => {
  const suite = useBridgeTarget();
  beforeAll(() => captureReplies(suite.side));

  it('arbitrary and near-valid messages: refusals or valid uploads only, and a running upload is untouched', async () => {
    const small = await nativeFile(256);
    const big = await nativeFile(6 * 1024 * 1024, 'steady.bin');
    const steadyId = uniqueId('steady');
    // Slow enough (24 s) to be running while every message below arrives, on a busy machine too.
    const steady = validStart(big.filePath, urlFor(suite.server, { id: steadyId, readBps: 256 * 1024 }));
    steady.page = 'steadypage';
    steady.id = 'steady';
    steady.options = { ...(steady.options as object), timeout: 90000 };
    await postRaw(suite.side, JSON.stringify(steady));

    const messages = fc.sample(
      fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
        mutated(small.filePath, suite.server.uploadUrl),
        fc.constantFrom(
          // Another page naming the steady task: ignored.
          JSON.stringify({ v: 1, page: 'otherpage', type: 'abort', id: 'steady' }),
          'x'.repeat(1024 * 1024 + 1),
        ),
      ),
      { numRuns: 400, seed: 31337 },
    );
    // The generated starts name page ids other than the steady upload's, as a script in the page or a stale
    // copy of the library would: with onPageBegin forwarded, none of them is a page load.
    // Posted by the page in one go (its proxy calls stay in order), and heard by the host when the count is in.
    const calls = suite.side.webview.proxyCalls;
    await postRawAll(suite.side, messages);
    await expect.poll(() => suite.side.webview.proxyCalls, { timeout: 30000 }).toBe(calls + messages.length);
    expect(suite.server.byId(steadyId)[0]?.closedAt, 'the steady upload outlasts the messages').toBeUndefined();

    const rec = await suite.server.waitFor((x) => x.id === steadyId && x.responded, 60000);
    expect(rec.summary?.files[0].sha256).toBe(big.sha256);
    const got = await replies(suite.side, 500);
    const types = new Set(got.map((r) => r.type));
    for (const t of types) expect(['refused', 'progress', 'headers', 'success', 'fail']).toContain(t);
    expect(got.filter((r) => r.id === 'steady' && (r.type === 'fail' || r.type === 'refused'))).toEqual([]);
    expect(got.filter((r) => r.id === 'steady' && r.type === 'success')).toHaveLength(1);
    await expect.poll(() => suite.side.bridge.activeUploads, { timeout: 15000 }).toBe(0);
  }, 120000);
});

describe('hostile options over the bridge', () => {
  const suite = useBridgeTarget();

  it('no throw, no hang, one clear outcome; a native upload beside them arrives intact', async () => {
    const canary = await nativeFile(12 * 1024 * 1024, 'canary.bin');
    const small = await nativeFile(1024, 'small.bin');
    const run = { canary, filePath: small.filePath, runs: 150, seed: 2468 };
    await checkHostileOptions(suite.side.harness, suite.server, run);
    await expect.poll(() => suite.side.bridge.activeUploads).toBe(0);
  }, 120000);
});
