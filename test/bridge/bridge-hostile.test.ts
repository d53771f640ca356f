/**
 * Hostile bridge messages, property-based: arbitrary JSON, near-valid messages with one field wrong,
 * unknown and foreign task ids, huge payloads. The host never throws, answers only with refusals (or
 * runs what is valid), and an upload beside them is not disturbed.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePageMessage } from '../../src/bridge/protocol';
import { uniqueId, urlFor } from '../contract/cases';
import { configureEmulation, resetEmulation } from '../../emulator/control';
import { startUploadServer } from '../../server/upload-server';
import type { UploadServer } from '../../server/types';
import { nativeFile, startBridgePage, startOptions } from './bridge-harness';
import type { BridgePage } from './bridge-harness';

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
  });
});

describe('hostile messages to the native host', () => {
  let server: UploadServer;
  let side: BridgePage;
  beforeAll(async () => {
    server = await startUploadServer();
    configureEmulation({ progressIntervalMs: 100 });
    side = await startBridgePage();
    await side.harness.page.evaluate(() => {
      const w = window as unknown as {
        __replies: Array<{ type: string }>;
        __harmonyUploadBridge: { receive(b64: string): void };
      };
      w.__replies = [];
      w.__harmonyUploadBridge = {
        receive(b64: string) {
          w.__replies.push(
            JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)))) as {
              type: string;
            },
          );
        },
      };
    });
  });
  afterAll(async () => {
    await side?.harness.close();
    await resetEmulation();
    await server?.close();
  });

  it('arbitrary and near-valid messages: refusals or valid uploads only, and a running upload is untouched', async () => {
    const small = await nativeFile(256);
    const big = await nativeFile(6 * 1024 * 1024, 'steady.bin');
    const steadyId = uniqueId('steady');
    const post = (text: string): Promise<void> =>
      side.harness.page.evaluate(
        (t) =>
          (window as unknown as { __harmonyUploadNative: { post(m: string): void } }).__harmonyUploadNative.post(t),
        text,
      );
    // Slow enough (24 s) to be running while every message below arrives.
    const steady = validStart(big.filePath, urlFor(server, { id: steadyId, readBps: 256 * 1024 }));
    steady.page = 'steadypage';
    steady.id = 'steady';
    steady.options = { ...(steady.options as object), timeout: 90000 };
    await post(JSON.stringify(steady));

    const messages = fc.sample(
      fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
        mutated(small.filePath, server.uploadUrl),
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
    for (const m of messages) await post(m);
    expect(server.byId(steadyId)[0]?.closedAt, 'the steady upload outlasts the messages').toBeUndefined();

    const rec = await server.waitFor((x) => x.id === steadyId && x.responded, 60000);
    expect(rec.summary?.files[0].sha256).toBe(big.sha256);
    await new Promise((r) => setTimeout(r, 500));
    const replies = await side.harness.page.evaluate(
      () => (window as unknown as { __replies: Array<{ type: string; id?: string }> }).__replies,
    );
    const types = new Set(replies.map((r) => r.type));
    for (const t of types) expect(['refused', 'progress', 'headers', 'success', 'fail']).toContain(t);
    expect(replies.filter((r) => r.id === 'steady' && (r.type === 'fail' || r.type === 'refused'))).toEqual([]);
    expect(replies.filter((r) => r.id === 'steady' && r.type === 'success')).toHaveLength(1);
    await expect.poll(() => side.bridge.activeUploads, { timeout: 15000 }).toBe(0);
  }, 120000);
});
