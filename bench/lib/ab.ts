/**
 * A/B runs: the library (A) and its baseline (B) alternate A B, B A, A B, ... so that slow drift (other
 * processes on the machine, caches warming, thermal state) falls on both alike. A forced GC before each
 * run keeps one run's garbage from being collected during the next.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { abOrder, median } from './stats';

setFlagsFromString('--expose-gc');
export const gc = runInNewContext('gc') as () => void;

export interface AbResult {
  a: number[];
  b: number[];
  /** a[i] / b[i] of each round, for the spread shown in the notes. */
  pairs: number[];
  /** Indices into a and b of each group of rounds run by one pair of processes (one group in-process). */
  groups: Array<[number, number]>;
}

export async function alternate(
  rounds: number,
  runA: (i: number) => Promise<number>,
  runB: (i: number) => Promise<number>,
): Promise<AbResult> {
  const result: AbResult = { a: [], b: [], pairs: [], groups: [[0, rounds]] };
  for (let i = 0; i < rounds; i++) {
    for (const which of abOrder(i, 'a', 'b')) {
      gc();
      result[which].push(await (which === 'a' ? runA(i) : runB(i)));
    }
    result.pairs.push(result.a[i] / result.b[i]);
  }
  return result;
}

/** "median 0.99, range 0.91-1.07" of per-round ratios. */
export function spread(values: readonly number[]): string {
  const sorted = [...values].sort((x, y) => x - y);
  return `median ${median(sorted).toFixed(3)}, range ${sorted[0].toFixed(3)}-${sorted[sorted.length - 1].toFixed(3)}`;
}

/** A small deterministic PRNG (mulberry32), so that the intervals are the same for the same data. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * 95% bootstrap interval of median(num) / median(den): both samples resampled with replacement, 4000
 * times. Says whether a ratio near its target can be told from the noise of the machine it runs on.
 */
export function ratioInterval(num: readonly number[], den: readonly number[]): [number, number] {
  const rnd = random(20240601);
  const pick = (xs: readonly number[]): number[] => xs.map(() => xs[Math.floor(rnd() * xs.length)]);
  const ratios: number[] = [];
  for (let i = 0; i < 4000; i++) ratios.push(median(pick(num)) / median(pick(den)));
  ratios.sort((x, y) => x - y);
  return [ratios[Math.floor(0.025 * ratios.length)], ratios[Math.floor(0.975 * ratios.length) - 1]];
}

export function interval([lo, hi]: [number, number]): string {
  return `95% CI ${lo.toFixed(3)}-${hi.toFixed(3)}`;
}

export interface ProcessPair {
  a(i: number): Promise<number>;
  b(i: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * A/B runs over several pairs of fresh processes (one per variant): `rounds` alternating rounds in each of
 * `pairs` pairs. A process has a speed of its own (where the scheduler puts it next to the server, its JIT
 * and heap layout): an A/A test of two library processes showed up to 8% between them over 20 rounds. One
 * pair would turn that into a bias; several pairs average it out, and the interval (groupedRatioInterval)
 * resamples whole pairs.
 */
export async function alternatePairs(
  pairs: number,
  rounds: number,
  open: (pair: number) => Promise<ProcessPair>,
): Promise<AbResult> {
  const result: AbResult = { a: [], b: [], pairs: [], groups: [] };
  for (let p = 0; p < pairs; p++) {
    const pair = await open(p);
    try {
      const start = result.a.length;
      for (let i = 0; i < rounds; i++) {
        const n = start + i;
        for (const which of abOrder(n, 'a', 'b')) result[which].push(await (which === 'a' ? pair.a(n) : pair.b(n)));
        result.pairs.push(result.a[n] / result.b[n]);
      }
      result.groups.push([start, start + rounds]);
    } finally {
      await pair.close();
    }
  }
  return result;
}

/**
 * 95% bootstrap interval of median(num) / median(den) when the runs come in groups (pairs of processes):
 * whole groups are resampled, then runs within each; so the interval includes the spread between
 * processes, not only between runs.
 */
export function groupedRatioInterval(
  num: readonly number[],
  den: readonly number[],
  groups: ReadonlyArray<[number, number]>,
): [number, number] {
  const rnd = random(20240602);
  const ratios: number[] = [];
  for (let it = 0; it < 4000; it++) {
    const n: number[] = [];
    const d: number[] = [];
    for (let g = 0; g < groups.length; g++) {
      const [from, to] = groups[Math.floor(rnd() * groups.length)];
      const len = to - from;
      for (let k = 0; k < len; k++) {
        n.push(num[from + Math.floor(rnd() * len)]);
        d.push(den[from + Math.floor(rnd() * len)]);
      }
    }
    ratios.push(median(n) / median(d));
  }
  ratios.sort((x, y) => x - y);
  return [ratios[Math.floor(0.025 * ratios.length)], ratios[Math.floor(0.975 * ratios.length) - 1]];
}

/**
 * The order of n variants in round i, a row of a balanced Latin square (Williams' design): over n rounds
 * (2n when n is odd, the second n reversed) each variant runs once in each position and right after each
 * other variant equally often, so that drift and carry-over (one run's garbage, caches) fall on all alike.
 * For n = 2 it is abOrder's A B, B A.
 */
export function williamsOrder(i: number, n: number): number[] {
  const base = Array.from({ length: n }, (_, j) => (j % 2 === 1 ? (j + 1) / 2 : (n - j / 2) % n));
  const row = base.map((v) => (v + i) % n);
  return n % 2 === 1 && Math.floor(i / n) % 2 === 1 ? row.reverse() : row;
}

/**
 * Runs of several variants in `rounds` rounds, each round in williamsOrder; a forced GC before each run.
 * Returns each variant's times, in round order.
 */
export async function rotate<K extends string>(
  rounds: number,
  runs: Record<K, (i: number) => Promise<number>>,
): Promise<Record<K, number[]>> {
  const keys = Object.keys(runs) as K[];
  const result = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < rounds; i++) {
    for (const j of williamsOrder(i, keys.length)) {
      gc();
      result[keys[j]].push(await runs[keys[j]](i));
    }
  }
  return result;
}
