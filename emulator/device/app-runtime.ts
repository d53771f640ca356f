/**
 * The app side of an emulated device (emulator/device.ts): imported by an app script that
 * `device.launchApp(script)` runs in a process of its own. It gives the script the app's UIAbility context
 * (directories in the device's sandbox, the same at every launch; `getApplicationContext()` with the
 * `applicationStateChange` subscription), and a message channel to the test that launched it.
 *
 * The device drives the app's state from the test (`AppProcess.setState`): the callbacks registered with
 * `getApplicationContext().on('applicationStateChange', ...)` are called as on a device. The network state
 * the device sets reaches the app's own HTTP stack (`@ohos.net.http`) here too.
 */
import {
  changeAppState,
  changeNetwork,
  type AppState,
  type EmulatedApplicationContext,
  type NetworkState,
} from '../app-state';
import { serviceRestarted } from '../ohos.request/agent-remote';
import { getSandbox } from '../sandbox';
import { DEVICE_DIR_ENV, deviceDirOfProcess, NETWORK_ENV, PROGRESS_INTERVAL_ENV, TIME_SCALE_ENV } from './env';
import { settings } from '../state';
import type common from '@ohos.app.ability.common';
import type { DeviceToApp } from './protocol';

/** The app's UIAbility context: a stage-model Context with `getApplicationContext()`. */
export type AppContext = common.Context & { getApplicationContext(): EmulatedApplicationContext };

export interface AppRuntime {
  /** The context of the app's entry UIAbility (cacheDir, filesDir, tempDir in the device's sandbox). */
  readonly context: AppContext;
  /** Sends a message (any JSON value) to the test: `AppProcess.next()` / `messages` there. */
  send(message: unknown): void;
  /** Calls `callback` with each message the test sends (`AppProcess.send`), in order. */
  onMessage(callback: (message: unknown) => void): void;
  /** The app's state now, as the device set it. */
  readonly state: AppState;
  /** Ends the app process (after the messages sent so far have left). */
  exit(code?: number): void;
}

function createRuntime(): AppRuntime {
  if (deviceDirOfProcess() === undefined || typeof process.send !== 'function') {
    throw new Error(
      `app-runtime runs only in an app process of an emulated device (device.launchApp), with ${DEVICE_DIR_ENV} and an IPC channel`,
    );
  }
  const network = process.env[NETWORK_ENV];
  if (network !== undefined && network !== '') changeNetwork(JSON.parse(network) as NetworkState);
  const interval = Number(process.env[PROGRESS_INTERVAL_ENV]);
  if (Number.isFinite(interval) && interval >= 0 && process.env[PROGRESS_INTERVAL_ENV] !== undefined) {
    settings.progressIntervalMs = interval;
  }
  const timeScale = Number(process.env[TIME_SCALE_ENV]);
  if (Number.isFinite(timeScale) && timeScale > 0) settings.timeScale = timeScale;
  const context = getSandbox().createContext();
  const handlers: Array<(message: unknown) => void> = [];
  const early: unknown[] = [];
  let state: AppState = 'foreground';
  process.on('message', (raw: unknown) => {
    const message = raw as DeviceToApp;
    switch (message.kind) {
      case 'emu:state':
        state = message.state;
        changeAppState(message.state);
        break;
      case 'emu:network':
        changeNetwork(message.network);
        break;
      case 'emu:service-up':
        serviceRestarted();
        break;
      case 'emu:message':
        if (handlers.length === 0) early.push(message.body);
        for (const handler of handlers) handler(message.body);
        break;
    }
  });
  // The test process (the device) is gone: so is the app.
  process.on('disconnect', () => process.exit(0));
  const send = (body: unknown): void => {
    process.send?.({ kind: 'emu:message', body });
  };
  return {
    context,
    send,
    onMessage(callback) {
      handlers.push(callback);
      // Messages that arrived before the first handler are not lost.
      for (const body of early.splice(0, early.length)) callback(body);
    },
    get state() {
      return state;
    },
    exit(code = 0) {
      process.send?.({ kind: 'emu:exit', code }, () => process.exit(code));
    },
  };
}

export const appRuntime: AppRuntime = createRuntime();
