/**
 * The app's life as the app process sees it: foreground or background, told to the app through
 * `ApplicationContext.on('applicationStateChange', { onApplicationForeground, onApplicationBackground })`
 * (SDK `application/ApplicationContext.d.ts` `on`/`off`, `@ohos.app.ability.ApplicationStateChangeCallback.d.ts`),
 * and the device's network as the app's own HTTP stack (`@ohos.net.http`) meets it.
 *
 * One app per process: the state is process-wide. In a test process `control.ts` (`setAppState`,
 * `setNetwork`) drives it; in an app process launched by `emulator/device.ts` the device does, through
 * `device/app-runtime.ts`. docs/platform/app-lifecycle.md has the rules and their sources.
 */
import { listenerErrors } from './state';

export type AppState = 'foreground' | 'background';

/** The device's network: Wi-Fi, cellular (always metered) or none; `roaming` for cellular. */
export interface NetworkState {
  type: 'wifi' | 'cellular' | 'none';
  roaming?: boolean;
}

/** `ApplicationStateChangeCallback` (API 10): both members are called as the app changes state. */
export interface ApplicationStateChangeCallback {
  onApplicationForeground(): void;
  onApplicationBackground(): void;
}

/**
 * The members of `ApplicationContext` the emulation provides: the `applicationStateChange` subscription
 * (`on`/`off`, API 10) and the application-level directories.
 */
export interface EmulatedApplicationContext {
  stageMode: boolean;
  applicationInfo: { readonly name: string };
  cacheDir: string;
  filesDir: string;
  tempDir: string;
  on(type: 'applicationStateChange', callback: ApplicationStateChangeCallback): void;
  off(type: 'applicationStateChange', callback?: ApplicationStateChangeCallback): void;
  getApplicationContext(): EmulatedApplicationContext;
}

const callbacks: ApplicationStateChangeCallback[] = [];
let appState: AppState = 'foreground';
let network: NetworkState = { type: 'wifi' };
const networkWatchers = new Set<(state: NetworkState) => void>();
const stateWatchers = new Set<(state: AppState) => void>();

export function currentAppState(): AppState {
  return appState;
}

export function currentNetwork(): NetworkState {
  return { ...network };
}

/**
 * The app changes state: each registered callback is called once, in registration order, each in a macrotask
 * of its own (the ability runtime posts the change to the app's JS thread). Setting the state it already has
 * calls nothing.
 */
export function changeAppState(state: AppState): void {
  if (state === appState) return;
  appState = state;
  for (const watch of [...stateWatchers]) watch(state);
  for (const callback of [...callbacks]) {
    setImmediate(() => {
      if (!callbacks.includes(callback) || appState !== state) return;
      try {
        if (state === 'foreground') callback.onApplicationForeground();
        else callback.onApplicationBackground();
      } catch (error) {
        listenerErrors.push(error);
        console.error('[ohos emulation] an applicationStateChange callback threw:', error);
      }
    });
  }
}

export function changeNetwork(state: NetworkState): void {
  network = { ...state };
  for (const watch of [...networkWatchers]) watch(currentNetwork());
}

/** Emulation-internal: called on every network change (the app's HTTP stack). Returns the unsubscribe. */
export function watchNetwork(watch: (state: NetworkState) => void): () => void {
  networkWatchers.add(watch);
  return () => networkWatchers.delete(watch);
}

/** Emulation-internal: called on every app state change (the in-process request service). */
export function watchAppState(watch: (state: AppState) => void): () => void {
  stateWatchers.add(watch);
  return () => stateWatchers.delete(watch);
}

/** `applicationStateChange` callbacks registered now (counted by `emulationStats().listeners`). */
export function appStateListenerCount(): number {
  return callbacks.length;
}

/** Back to a foreground app on Wi-Fi with no callbacks (`resetEmulation()`). */
export function resetAppState(): void {
  callbacks.length = 0;
  appState = 'foreground';
  network = { type: 'wifi' };
}

/** An ApplicationContext over `dirs` whose `applicationStateChange` follows this module. */
export function applicationContext(dirs: {
  bundleName: string;
  cacheDir: string;
  filesDir: string;
  tempDir: string;
}): EmulatedApplicationContext {
  const context: EmulatedApplicationContext = {
    stageMode: true,
    applicationInfo: { name: dirs.bundleName },
    cacheDir: dirs.cacheDir,
    filesDir: dirs.filesDir,
    tempDir: dirs.tempDir,
    on(type: string, callback: ApplicationStateChangeCallback): void {
      checkType(type);
      if (
        typeof callback !== 'object' ||
        callback === null ||
        typeof callback.onApplicationForeground !== 'function' ||
        typeof callback.onApplicationBackground !== 'function'
      ) {
        throw paramError('Parameter error. The callback must be an ApplicationStateChangeCallback.');
      }
      // The ability runtime keeps each callback object once (ApplicationContext `RegisterApplicationStateChangeCallback`).
      if (!callbacks.includes(callback)) callbacks.push(callback);
    },
    off(type: string, callback?: ApplicationStateChangeCallback): void {
      checkType(type);
      if (callback === undefined) {
        callbacks.length = 0;
        return;
      }
      const at = callbacks.indexOf(callback);
      if (at >= 0) callbacks.splice(at, 1);
    },
    getApplicationContext: () => context,
  };
  return context;
}

function checkType(type: string): void {
  if (type !== 'applicationStateChange') throw paramError(`Parameter error. Unknown type ${String(type)}.`);
}

/** `401` BusinessError, as the ability runtime throws for bad arguments. */
function paramError(message: string): Error & { code: number } {
  return Object.assign(new Error(message), { code: 401 });
}
