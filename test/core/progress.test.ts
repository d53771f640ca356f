import { describe, expect, it } from 'vitest';
import { ProgressReducer } from '../../src/core/progress';

describe('ProgressReducer', () => {
  it('emits once per integer percent, rising only', () => {
    const p = new ProgressReducer();
    const out = [0, 5, 9, 10, 250, 251, 999, 500].map((sent) => p.report(sent, 1000)?.progress);
    expect(out).toEqual([0, undefined, undefined, 1, 25, undefined, 99, undefined]);
  });

  it('never reports 100 before the outcome; final() is 100 with sent == expected', () => {
    const p = new ProgressReducer();
    expect(p.report(1000, 1000)).toBeUndefined();
    expect(p.final(1000)).toEqual({ progress: 100, totalBytesSent: 1000, totalBytesExpectedToSend: 1000 });
  });

  it('stays silent after a restart from zero until it passes the old figure', () => {
    const p = new ProgressReducer();
    expect(p.report(600, 1000)?.progress).toBe(60);
    expect(p.report(100, 1000)).toBeUndefined();
    expect(p.report(600, 1000)).toBeUndefined();
    expect(p.report(610, 1000)?.progress).toBe(61);
  });

  it('ignores nonsense: unknown totals, negative or NaN counts', () => {
    const p = new ProgressReducer();
    expect(p.report(5, 0)).toBeUndefined();
    expect(p.report(-1, 10)).toBeUndefined();
    expect(p.report(Number.NaN, 10)).toBeUndefined();
    expect(p.final(0)).toEqual({ progress: 100, totalBytesSent: 0, totalBytesExpectedToSend: 0 });
  });

  it('a 1 GB upload reported every 64 KB gives at most 100 events', () => {
    const p = new ProgressReducer();
    const total = 1024 ** 3;
    let n = 0;
    for (let sent = 0; sent <= total; sent += 65536) if (p.report(sent, total)) n++;
    expect(n).toBe(100);
  });
});
