import { afterEach, describe, expect, it, vi } from 'vitest';
import { ListenerRegistry } from '../../src/core/registry';

describe('ListenerRegistry', () => {
  afterEach(() => vi.restoreAllMocks());

  it('keeps one registration for the same function', () => {
    const r = new ListenerRegistry<number>('test');
    const seen: number[] = [];
    const fn = (n: number): void => {
      seen.push(n);
    };
    r.add(fn);
    r.add(fn);
    r.emit(1);
    expect(seen).toEqual([1]);
    expect(r.size).toBe(1);
  });

  it('remove(fn) removes that listener, remove() removes all', () => {
    const r = new ListenerRegistry<string>('test');
    const seen: string[] = [];
    const a = (v: string): void => void seen.push(`a${v}`);
    const b = (v: string): void => void seen.push(`b${v}`);
    r.add(a);
    r.add(b);
    r.remove(a);
    r.emit('1');
    r.remove();
    r.emit('2');
    expect(seen).toEqual(['b1']);
    expect(r.size).toBe(0);
  });

  it('calls listeners in registration order', () => {
    const r = new ListenerRegistry<number>('test');
    const seen: string[] = [];
    r.add(() => void seen.push('first'));
    r.add(() => void seen.push('second'));
    r.add(() => void seen.push('third'));
    r.emit(0);
    expect(seen).toEqual(['first', 'second', 'third']);
  });

  it('a listener removed during a dispatch is not called; one added is called from the next dispatch', () => {
    const r = new ListenerRegistry<number>('test');
    const seen: string[] = [];
    const late = (n: number): void => void seen.push(`late${n}`);
    const second = (n: number): void => void seen.push(`second${n}`);
    r.add((n) => {
      seen.push(`first${n}`);
      r.remove(second);
      r.add(late);
    });
    r.add(second);
    r.emit(1);
    r.emit(2);
    expect(seen).toEqual(['first1', 'first2', 'late2']);
  });

  it('remove() during a dispatch stops the rest of that dispatch', () => {
    const r = new ListenerRegistry<number>('test');
    const seen: string[] = [];
    r.add(() => {
      seen.push('a');
      r.remove();
    });
    r.add(() => void seen.push('b'));
    r.emit(1);
    r.emit(2);
    expect(seen).toEqual(['a']);
  });

  it('a throwing listener is reported with console.error and the others still run', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const r = new ListenerRegistry<number>('onProgressUpdate');
    const seen: number[] = [];
    r.add(() => {
      throw new Error('boom');
    });
    r.add((n) => void seen.push(n));
    r.emit(5);
    expect(seen).toEqual([5]);
    expect(error).toHaveBeenCalledTimes(1);
    expect(String(error.mock.calls[0][0])).toContain('onProgressUpdate');
  });

  it('ignores what is not a function', () => {
    const r = new ListenerRegistry<number>('test');
    r.add(undefined as unknown as (n: number) => void);
    r.add('x' as unknown as (n: number) => void);
    expect(r.size).toBe(0);
    expect(() => r.emit(1)).not.toThrow();
  });
});
