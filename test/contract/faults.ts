/**
 * Server faults every target must survive, from the local server's fault modes: each task reaches
 * exactly one outcome within its timeout plus a small margin, `complete` once, nothing after it, and
 * the server never gets a second copy of a file unless retries were asked for.
 */
import { expect } from 'vitest';
import type { ContractCase, ContractTarget } from './cases';
import { uniqueId, urlFor } from './cases';
import { expectFailure, expectOutcome, expectSuccess, percents } from './recording';

/** What a target does with a redirect of an upload (a property of the platform, documented in the README). */
export type RedirectBehaviour =
  /** followed with the same method and the whole body again */
  | 'resent'
  /** followed with GET and no body (the upload URL answers GET with 405) */
  | 'asGet'
  /** followed with the same method and no body (the upload URL answers a form without body with 400) */
  | 'bodyless'
  /** not followed: the upload fails */
  | 'fails';

export interface FaultProfile {
  redirects: Record<301 | 302 | 307 | 308, RedirectBehaviour>;
  /** The platform itself re-sends after a network failure (request.uploadFile's background tasks). */
  platformRetries: boolean;
}

const MARGIN_MS = 1500;

/** A network failure, told as such: neither abort nor timeout, nor a parameter problem. */
export const NETWORK_FAILURE = /^uploadFile:fail (?!abort$|timeout$|parameter)\S.*/;

export function faultCases(profile: (t: ContractTarget) => FaultProfile): ContractCase[] {
  return [
    {
      name: 'connection reset mid-body: a network failure, reported once, quickly',
      async run(t) {
        const file = await t.file(4 * 1024 * 1024, 'reset.bin');
        const id = uniqueId('reset');
        const r = await t.run({
          options: {
            url: urlFor(t.server, { id, resetAfter: 256 * 1024 }),
            filePath: file.filePath,
            name: 'file',
            timeout: 15000,
          },
          settleMs: 300,
        });
        expectFailure(r, NETWORK_FAILURE);
        expect(r.elapsedMs).toBeLessThan(profile(t).platformRetries ? 10000 : 3000);
      },
    },
    {
      name: 'the server closes the connection before reading the body: a network failure',
      async run(t) {
        const file = await t.file(1024 * 1024, 'closed.bin');
        const r = await t.run({
          options: { url: urlFor(t.server, { closeEarly: 1 }), filePath: file.filePath, name: 'file', timeout: 15000 },
          settleMs: 300,
        });
        expectFailure(r, NETWORK_FAILURE);
      },
    },
    {
      name: 'the server stalls mid-body: uploadFile:fail timeout within the timeout and a margin',
      async run(t) {
        const file = await t.file(16 * 1024 * 1024, 'stall.bin');
        const id = uniqueId('stall');
        const r = await t.run({
          options: {
            url: urlFor(t.server, { id, stallAfter: 512 * 1024 }),
            filePath: file.filePath,
            name: 'file',
            timeout: 1500,
          },
          settleMs: 300,
        });
        expectFailure(r, /^uploadFile:fail timeout$/);
        expect(r.elapsedMs).toBeGreaterThanOrEqual(1400);
        expect(r.elapsedMs).toBeLessThan(1500 + MARGIN_MS);
      },
    },
    {
      name: 'a response that never ends: uploadFile:fail timeout, even though the headers arrived',
      async run(t) {
        const file = await t.file(1024, 'never.bin');
        const r = await t.run({
          options: { url: urlFor(t.server, { neverEnd: 1 }), filePath: file.filePath, name: 'file', timeout: 1500 },
          settleMs: 300,
        });
        expectFailure(r, /^uploadFile:fail timeout$/);
        expect(r.elapsedMs).toBeLessThan(1500 + MARGIN_MS);
      },
    },
    {
      name: '1 MB of response headers: the upload ends (a failure), it does not hang',
      async run(t) {
        const file = await t.file(1024, 'bighead.bin');
        const r = await t.run({
          options: {
            url: urlFor(t.server, { largeHeadersBytes: 1024 * 1024 }),
            filePath: file.filePath,
            name: 'file',
            timeout: 5000,
          },
          settleMs: 300,
        });
        expectFailure(r, /^uploadFile:fail /);
        expect(r.elapsedMs).toBeLessThan(5000 + MARGIN_MS);
      },
    },
    ...([301, 302, 307, 308] as const).map(
      (status): ContractCase => ({
        name: `a ${status} redirect: handled as the platform does (see README)`,
        async run(t) {
          const file = await t.file(200 * 1024, `redirect-${status}.bin`);
          const id = uniqueId(`redirect-${status}`);
          const r = await t.run({
            options: {
              url: urlFor(t.server, { id, redirect: status }),
              filePath: file.filePath,
              name: 'file',
              timeout: 10000,
            },
          });
          const outcome = expectOutcome(r);
          const behaviour = profile(t).redirects[status];
          if (behaviour === 'fails') {
            expect(outcome.kind).toBe('fail');
            return;
          }
          expect(outcome.kind).toBe('success');
          if (outcome.kind !== 'success') return;
          if (behaviour === 'resent') {
            expect(outcome.result.statusCode).toBe(200);
            const last = t.server.byId(id).at(-1);
            expect(last?.summary?.files[0].sha256).toBe(file.sha256);
          } else {
            expect(outcome.result.statusCode).toBe(behaviour === 'asGet' ? 405 : 400);
          }
        },
      }),
    ),
    ...(
      [
        [404, true],
        [500, false],
      ] as const
    ).map(
      ([status, withBody]): ContractCase => ({
        name: `HTTP ${status} ${withBody ? 'with' : 'without'} a body: one outcome, the file sent once`,
        async run(t) {
          const file = await t.file(64 * 1024, 'status.bin');
          const id = uniqueId(`status-${status}`);
          const params: Record<string, string | number> = { id, status };
          if (!withBody) params.bodyB64 = '';
          const r = await t.run({ options: { url: urlFor(t.server, params), filePath: file.filePath, name: 'file' } });
          const outcome = expectOutcome(r);
          if (t.errorResponses.status === 'success') {
            expect(outcome.kind === 'success' && outcome.result.statusCode).toBe(status);
          } else {
            expect(outcome.kind).toBe('fail');
          }
          await new Promise((res) => setTimeout(res, 200));
          expect(t.server.byId(id)).toHaveLength(1);
        },
      }),
    ),
    {
      name: 'retry: network failures before any response are retried as asked, and the last attempt delivers the file',
      async run(t) {
        const file = await t.file(512 * 1024, 'retry.bin');
        const id = uniqueId('retry-ok');
        const r = await t.run({
          options: {
            url: urlFor(t.server, { id, resetAfter: 64 * 1024, faultTimes: 2 }),
            filePath: file.filePath,
            name: 'file',
            retry: { count: 2, backoff: 50 },
            timeout: 20000,
          },
        });
        expectSuccess(r);
        const progress = percents(r);
        expect(progress).toEqual([...progress].sort((a, b) => a - b));
        const records = t.server.byId(id);
        const delivered = records.filter((x) => x.bodyComplete);
        expect(delivered).toHaveLength(1);
        expect(delivered[0].summary?.files[0].sha256).toBe(file.sha256);
        if (!profile(t).platformRetries) expect(records).toHaveLength(3);
      },
    },
    {
      name: 'retry: gives up after count attempts with the network failure',
      async run(t) {
        const file = await t.file(512 * 1024, 'retry-fail.bin');
        const id = uniqueId('retry-fail');
        const r = await t.run({
          options: {
            url: urlFor(t.server, { id, resetAfter: 64 * 1024 }),
            filePath: file.filePath,
            name: 'file',
            retry: { count: 1, backoff: 50 },
            timeout: 20000,
          },
        });
        expectFailure(r, NETWORK_FAILURE);
        if (!profile(t).platformRetries) expect(t.server.byId(id)).toHaveLength(2);
      },
    },
    {
      name: 'retry: never after a response, and off by default',
      async run(t) {
        const file = await t.file(16 * 1024, 'retry-none.bin');
        const answered = uniqueId('retry-503');
        const r = await t.run({
          options: {
            url: urlFor(t.server, { id: answered, status: 503 }),
            filePath: file.filePath,
            name: 'file',
            retry: { count: 3, backoff: 10 },
          },
        });
        expectOutcome(r);
        await new Promise((res) => setTimeout(res, 200));
        expect(t.server.byId(answered)).toHaveLength(1);
        if (profile(t).platformRetries) return;
        const plain = uniqueId('retry-default');
        const d = await t.run({
          options: { url: urlFor(t.server, { id: plain, resetAfter: 1024 }), filePath: file.filePath, name: 'file' },
        });
        expectFailure(d, NETWORK_FAILURE);
        expect(t.server.byId(plain)).toHaveLength(1);
      },
    },
    {
      name: 'retry: abort during the backoff ends it: fail abort, no further attempt',
      async run(t) {
        const file = await t.file(64 * 1024, 'retry-abort.bin');
        const id = uniqueId('retry-abort');
        const r = await t.run({
          options: {
            url: urlFor(t.server, { id, closeAfterBody: 1 }),
            filePath: file.filePath,
            name: 'file',
            retry: { count: 5, backoff: 2000 },
          },
          // The first attempt fails at once: the server reads the whole body, then closes without an answer,
          // a failure that no engine retries by itself (a close that meets the body still being sent is one
          // request.uploadFile retries, then reports as not retryable). The abort lands in the 2 s backoff,
          // even where a busy machine takes most of a second for the first attempt; the recording goes on
          // past the moment the next attempt would have started.
          abort: { afterMs: 1000 },
          settleMs: 1500,
        });
        expectFailure(r, /^uploadFile:fail abort$/);
        const attempts = t.server.byId(id).length;
        expect(attempts).toBeGreaterThanOrEqual(1);
        if (!profile(t).platformRetries) expect(attempts).toBe(1);
      },
    },
  ];
}
