/**
 * Load, abort storms and leaks, for every target: hundreds of uploads aborted at random moments, many
 * in sequence and at once; every task reaches exactly one consistent outcome, the server sees aborted
 * uploads end, and the target's resource counts return to zero.
 */
import { expect } from 'vitest';
import type { ContractCase } from './cases';
import { expectNothingLeft, maxOverlap, uniqueId, urlFor } from './cases';
import type { AbortPlan, Recording, Scenario } from './driver';
import { errMsgOf, expectOutcome, kinds } from './recording';

export interface StressSizes {
  /** Tasks in the abort storm. */
  storm: number;
  /** Uploads one after another. */
  sequential: number;
  /** Uploads at once. */
  parallel: number;
}

/** A small deterministic generator, so a failing storm can be replayed from its seed. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * How long a task of a storm may go without an outcome before it counts as hung. Hundreds of tasks share one
 * queue of ten, so the last ones wait for most of the storm: on a busy machine that is far longer than one
 * upload's time limit. (The test's own timeout is longer still.)
 */
const STRESS_HANG_MS = 90000;

const PLANS: Array<AbortPlan | undefined> = ['sync', 'firstProgress', 'headers', 'afterOutcome', undefined];

function pickPlan(rand: () => number): AbortPlan | undefined {
  const i = Math.floor(rand() * (PLANS.length + 2));
  if (i < PLANS.length) return PLANS[i];
  return { afterMs: Math.floor(rand() * 400) };
}

/** Consistent: one outcome; `fail abort` exactly when abort() came first; nothing after the outcome. */
export function expectConsistent(r: Recording, label: string): void {
  const outcome = expectOutcome(r, label);
  const k = kinds(r);
  const outcomeAt = k.indexOf(outcome.kind);
  const abortedAt = k.indexOf('aborted');
  // The final 100 % event is dispatched once the outcome is decided: an abort() from it is too late.
  const decidedAt = r.events.findIndex((e) => e.kind === 'progress' && e.progress === 100);
  const abortedFirst = abortedAt >= 0 && abortedAt < outcomeAt && (decidedAt < 0 || abortedAt < decidedAt);
  if (abortedFirst) {
    expect(errMsgOf(r), label).toBe('uploadFile:fail abort');
  } else {
    expect(outcome.kind, `${label}: not aborted before the outcome, so it succeeds`).toBe('success');
  }
}

export function stressCases(sizes: StressSizes, seed = 20261125): ContractCase[] {
  return [
    {
      name: `abort storm: ${sizes.storm} uploads aborted at random moments (before start, queued, mid-body, at the headers, after completion)`,
      async run(t) {
        const rand = lcg(seed);
        const files = await Promise.all([t.file(16 * 1024, 'storm-s.bin'), t.file(6 * 1024 * 1024, 'storm-m.bin')]);
        const tag = uniqueId('storm');
        const scenarios: Scenario[] = Array.from({ length: sizes.storm }, (_, i) => {
          const file = files[rand() < 0.7 ? 0 : 1];
          const params: Record<string, string | number> = { id: `${tag}-${i}` };
          if (rand() < 0.4) params.readBps = 8 * 1024 * 1024;
          if (rand() < 0.2) params.delayHeadersMs = Math.floor(rand() * 200);
          if (rand() < 0.15) params.delayBodyMs = Math.floor(rand() * 200);
          return {
            options: { url: urlFor(t.server, params), filePath: file.filePath, name: 'file', timeout: 20000 },
            abort: pickPlan(rand),
            listeners: 'standard',
            settleMs: 50,
            hangMs: STRESS_HANG_MS,
          };
        });
        const recordings = await t.runMany(scenarios);
        for (const [i, r] of recordings.entries())
          expectConsistent(r, `task ${i} (${JSON.stringify(scenarios[i].abort)})`);
        // Aborted uploads that had reached the server end there too: no request is left open.
        await t.server.waitFor(
          () => t.server.records.filter((x) => x.id.startsWith(`${tag}-`)).every((x) => x.closedAt !== undefined),
          10000,
        );
        for (const rec of t.server.records.filter((x) => x.id.startsWith(`${tag}-`) && x.bodyComplete && x.summary)) {
          expect(rec.summary?.files[0].sha256).toBe(files[rec.summary?.files[0].size === files[0].size ? 0 : 1].sha256);
        }
        await expectNothingLeft(t, 5000);
      },
    },
    {
      name: `${sizes.sequential} uploads in sequence: all arrive, nothing accumulates`,
      async run(t) {
        const file = await t.file(1024, 'seq.bin');
        const tag = uniqueId('seq');
        const recordings = await t.runInSequence(
          Array.from({ length: sizes.sequential }, (_, i) => ({
            options: { url: urlFor(t.server, { id: `${tag}-${i}` }), filePath: file.filePath, name: 'file' },
            listeners: 'standard' as const,
            settleMs: 0,
            hangMs: STRESS_HANG_MS,
          })),
        );
        expect(recordings).toHaveLength(sizes.sequential);
        for (const [i, r] of recordings.entries()) expectConsistent(r, `upload ${i}`);
        // One after another: each upload reached the server only after the one before had ended there.
        const records = t.server.records.filter((x) => x.id.startsWith(`${tag}-`));
        expect(maxOverlap(records)).toBe(1);
        expect(records.filter((x) => x.summary?.files[0].sha256 === file.sha256)).toHaveLength(sizes.sequential);
        await expectNothingLeft(t, 5000);
      },
    },
    {
      name: `${sizes.parallel} uploads at once: the cap holds, all arrive, everything is released`,
      async run(t) {
        const file = await t.file(32 * 1024, 'par.bin');
        const tag = uniqueId('par');
        const recordings = await t.runMany(
          Array.from({ length: sizes.parallel }, (_, i) => ({
            options: {
              url: urlFor(t.server, { id: `${tag}-${i}` }),
              filePath: file.filePath,
              name: 'file',
              timeout: 30000,
            },
            listeners: 'standard' as const,
            settleMs: 0,
            hangMs: STRESS_HANG_MS,
          })),
        );
        for (const [i, r] of recordings.entries()) expectConsistent(r, `upload ${i}`);
        const records = t.server.records.filter((x) => x.id.startsWith(`${tag}-`));
        expect(records.filter((x) => x.summary?.files[0].sha256 === file.sha256)).toHaveLength(sizes.parallel);
        expect(maxOverlap(records)).toBeLessThanOrEqual(10);
        await expectNothingLeft(t, 5000);
      },
    },
  ];
}
