/**
 * Messages between the processes of an emulated device (emulator/device.ts): the test process (the device),
 * its app processes (IPC channel of `child_process.fork`-style spawn) and its request service process.
 */
import type { AppState, NetworkState } from '../app-state';

/** Device -> app process. */
export type DeviceToApp =
  | { kind: 'emu:message'; body: unknown }
  | { kind: 'emu:state'; state: AppState }
  | { kind: 'emu:network'; network: NetworkState }
  | { kind: 'emu:service-up' };

/** App process -> device. */
export type AppToDevice = { kind: 'emu:message'; body: unknown } | { kind: 'emu:exit'; code: number };

/** Device -> request service process (its IPC channel). */
export type DeviceToService =
  | { kind: 'svc:app-state'; state: AppState | 'terminated' }
  | { kind: 'svc:network'; network: NetworkState };

/** Request service process -> device. */
export type ServiceToDevice = { kind: 'svc:ready' } | { kind: 'svc:store' };
