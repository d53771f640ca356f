import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../src/core/scheduler';

describe('Scheduler', () => {
  it('runs at most `limit` jobs, the rest in call order as slots free up', () => {
    const s = new Scheduler(2);
    const started: number[] = [];
    for (let i = 0; i < 5; i++) s.submit({ run: () => void started.push(i) });
    expect(started).toEqual([0, 1]);
    s.release();
    expect(started).toEqual([0, 1, 2]);
    s.release();
    s.release();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(s.stats).toEqual({ running: 2, waiting: 0, limit: 2 });
  });

  it('a withdrawn job never runs', () => {
    const s = new Scheduler(1);
    const started: string[] = [];
    const a = { run: () => void started.push('a') };
    const b = { run: () => void started.push('b') };
    const c = { run: () => void started.push('c') };
    s.submit(a);
    s.submit(b);
    s.submit(c);
    expect(s.withdraw(b)).toBe(true);
    expect(s.withdraw(b)).toBe(false);
    s.release();
    expect(started).toEqual(['a', 'c']);
  });

  it('a job that ends while starting frees its slot without recursion', () => {
    const s = new Scheduler(1);
    const started: number[] = [];
    let depth = 0;
    let maxDepth = 0;
    for (let i = 0; i < 10000; i++) {
      s.submit({
        run: () => {
          depth++;
          maxDepth = Math.max(maxDepth, depth);
          started.push(i);
          s.release();
          depth--;
        },
      });
    }
    expect(started).toHaveLength(10000);
    expect(maxDepth).toBe(1);
    expect(s.stats.running).toBe(0);
  });

  it('raising the limit starts waiting jobs at once', () => {
    const s = new Scheduler(1);
    const started: number[] = [];
    for (let i = 0; i < 3; i++) s.submit({ run: () => void started.push(i) });
    s.setLimit(3);
    expect(started).toEqual([0, 1, 2]);
  });
});
