/**
 * The app's foreground and background, as ApplicationContext.on('applicationStateChange') tells them (SDK
 * application/ApplicationContext.d.ts, @ohos.app.ability.ApplicationStateChangeCallback.d.ts), for the
 * uploads whose engine stops with the app: one callback registered while at least one of them runs, none
 * otherwise.
 */
import type { common } from '@kit.AbilityKit';
import { logError } from '../core/errors';
import { applicationContextOf } from './background-store';

type Watcher = (background: boolean) => void;

interface Registration {
  readonly context: common.ApplicationContext;
  readonly callback: { onApplicationForeground(): void; onApplicationBackground(): void };
  readonly watchers: Set<Watcher>;
}

let current: Registration | undefined;
let inBackground = false;

function isApplicationContext(value: common.Context): value is common.ApplicationContext {
  const on: unknown = (value as { on?: unknown }).on;
  return typeof on === 'function';
}

/**
 * Calls `watcher(true)` when the app goes to the background and `watcher(false)` when it comes back, until
 * the returned function is called; `watcher(true)` at once when the app is known to be in the background.
 * Where the context has no applicationStateChange, nothing is watched.
 */
export function watchAppState(context: common.Context, watcher: Watcher): () => void {
  if (!current) {
    const app = applicationContextOf(context);
    if (!isApplicationContext(app)) return () => undefined;
    const watchers = new Set<Watcher>();
    const notify = (background: boolean): void => {
      inBackground = background;
      for (const w of Array.from(watchers)) w(background);
    };
    const callback = {
      onApplicationForeground: (): void => notify(false),
      onApplicationBackground: (): void => notify(true),
    };
    try {
      app.on('applicationStateChange', callback);
    } catch (err) {
      logError("could not watch the app's state (applicationStateChange):", err);
      return () => undefined;
    }
    current = { context: app, callback, watchers };
  }
  const registration = current;
  registration.watchers.add(watcher);
  if (inBackground) watcher(true);
  return () => {
    registration.watchers.delete(watcher);
    if (registration.watchers.size > 0 || current !== registration) return;
    current = undefined;
    try {
      registration.context.off('applicationStateChange', registration.callback);
    } catch (err) {
      logError('could not stop watching the app state:', err);
    }
  };
}
