/**
 * How the processes of an emulated device (emulator/device.ts) find each other: the device directory is
 * passed in the environment, and everything else is a fixed place in it.
 *
 * ```
 * <device dir>/sandbox/          the app's sandbox root (/data/storage/...), the same for every launch
 * <device dir>/media/            the media library (user files), with index.json
 * <device dir>/service/tasks.json the request service's task store (atomically replaced)
 * <device dir>/service.sock      the request service's socket, which app processes connect to
 * ```
 */
import { join } from 'node:path';

/** Set in app processes and in the request service process: the device directory. */
export const DEVICE_DIR_ENV = 'OHOS_EMULATOR_DEVICE_DIR';
/** Set in app processes: the time scale of the device's platform rules (see `DeviceOptions.timeScale`). */
export const TIME_SCALE_ENV = 'OHOS_EMULATOR_TIME_SCALE';
/** Set in app processes: `progressIntervalMs` of the device. */
export const PROGRESS_INTERVAL_ENV = 'OHOS_EMULATOR_PROGRESS_INTERVAL_MS';
/** Set in app processes: the network at launch, as JSON (`NetworkState`). */
export const NETWORK_ENV = 'OHOS_EMULATOR_NETWORK';

export function deviceSandboxRoot(deviceDir: string): string {
  return join(deviceDir, 'sandbox');
}

export function deviceMediaRoot(deviceDir: string): string {
  return join(deviceDir, 'media');
}

export function serviceStorePath(deviceDir: string): string {
  return join(deviceDir, 'service', 'tasks.json');
}

export function serviceSocketPath(deviceDir: string): string {
  return join(deviceDir, 'service.sock');
}

/** The device directory when this process is an app or the service of an emulated device. */
export function deviceDirOfProcess(): string | undefined {
  const dir = process.env[DEVICE_DIR_ENV];
  return dir === undefined || dir === '' ? undefined : dir;
}
