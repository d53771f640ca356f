/**
 * The app's state as the app sees it (docs/platform/app-lifecycle.md, "The app's states"): the
 * applicationStateChange subscription of the contexts, driven in-process by setAppState.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { appStateCallbacks, resetEmulation, setAppState, takeListenerErrors } from './control';
import { getSandbox } from './sandbox';

afterEach(async () => {
  await resetEmulation();
});

function recorder() {
  const seen: string[] = [];
  let wake: (() => void) | undefined;
  const next = () => new Promise<void>((resolve) => (wake = resolve));
  const callback = {
    onApplicationForeground: () => {
      seen.push('foreground');
      wake?.();
    },
    onApplicationBackground: () => {
      seen.push('background');
      wake?.();
    },
  };
  return { seen, next, callback };
}

describe('applicationStateChange (SDK application/ApplicationContext.d.ts)', () => {
  it('calls the callbacks of every context of the app, each change once, in a macrotask of its own', async () => {
    const app = getSandbox().createContext().getApplicationContext();
    const a = recorder();
    const b = recorder();
    app.on('applicationStateChange', a.callback);
    app.on('applicationStateChange', a.callback);
    getSandbox().createApplicationContext().on('applicationStateChange', b.callback);
    expect(appStateCallbacks()).toBe(2);
    const changed = Promise.all([a.next(), b.next()]);
    setAppState('background');
    setAppState('background');
    expect(a.seen).toEqual([]);
    await changed;
    const back = Promise.all([a.next(), b.next()]);
    setAppState('foreground');
    await back;
    expect(a.seen).toEqual(['background', 'foreground']);
    expect(b.seen).toEqual(['background', 'foreground']);
    app.off('applicationStateChange', a.callback);
    expect(appStateCallbacks()).toBe(1);
    app.off('applicationStateChange');
    expect(appStateCallbacks()).toBe(0);
  });

  it('a bad type or callback is 401; a callback that throws is recorded and the others still run', async () => {
    const app = getSandbox().createContext().getApplicationContext();
    expect(() => app.on('other' as 'applicationStateChange', recorder().callback)).toThrow(
      expect.objectContaining({ code: 401 }),
    );
    expect(() => app.on('applicationStateChange', {} as never)).toThrow(expect.objectContaining({ code: 401 }));
    const good = recorder();
    app.on('applicationStateChange', {
      onApplicationForeground: () => undefined,
      onApplicationBackground: () => {
        throw new Error('listener failure (expected by the test)');
      },
    });
    app.on('applicationStateChange', good.callback);
    const changed = good.next();
    setAppState('background');
    await changed;
    expect(good.seen).toEqual(['background']);
    expect(takeListenerErrors()).toHaveLength(1);
  });
});
