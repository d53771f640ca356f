/**
 * Test controls of the emulation (not part of any platform API): settings, counters, the media library's
 * contents, a hold on file copies, and a reset.
 */
import { closeSync } from 'node:fs';
import { fileIoErrorOfCode } from './errors';
import {
  DEFAULT_SETTINGS,
  agentTasks,
  appFiles,
  fileCopies,
  fileFaultKey,
  fileFaults,
  httpRequests,
  listenerErrors,
  liveUploadTasks,
  openSockets,
  settings,
  type EmulationSettings,
  type FileIoCall,
} from './state';

import { resetScheduler } from './ohos.request/scheduler';
import {
  appStateListenerCount,
  changeAppState,
  changeNetwork,
  resetAppState,
  type AppState,
  type NetworkState,
} from './app-state';

export type { EmulationSettings, FileIoCall } from './state';
export type { AppState, NetworkState } from './app-state';
export { addUserFile, linkUserFile, revokeUserFile, userFileRealPath } from './media-library';
export type { UserFile, UserFileSpec } from './media-library';

export interface EmulationStats {
  /** Agent tasks created and not removed. */
  agentTasks: number;
  /** `uploadFile` tasks still running (not finished and not deleted). */
  uploadTasks: number;
  /** Client sockets of the emulation still open. */
  openSockets: number;
  /** `@ohos.net.http` HttpRequest objects created and not destroyed. */
  httpRequests: number;
  /** `requestInStream` transfers still running, those of destroyed objects too (destroy() does not stop one). */
  httpTransfers: number;
  /** File bytes running `@ohos.net.http` transfers hold in memory (a form part with filePath and remoteFileName). */
  httpBytesInMemory: number;
  /**
   * Listeners registered on live tasks (running `uploadFile` tasks, agent tasks not removed, HttpRequest
   * objects not destroyed or still transferring).
   */
  listeners: number;
  /** Descriptors the app opened with `fileIo.open` and has not closed. */
  openFiles: number;
  /** `fileIo.copyFile` calls running now (held ones included). */
  copiesRunning: number;
}

/** Changes settings for the rest of the process (or until `resetEmulation()`); omitted ones stay. */
export function configureEmulation(changes: Partial<EmulationSettings>): void {
  for (const [name, value] of Object.entries(changes) as Array<
    [keyof EmulationSettings, number | boolean | undefined]
  >) {
    if (value === undefined) continue;
    if (typeof DEFAULT_SETTINGS[name] === 'boolean') {
      if (typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean, got ${String(value)}`);
    } else if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new RangeError(`${name} must be a number >= 0, got ${String(value)}`);
    }
    (settings as unknown as Record<string, number | boolean>)[name] = value;
  }
}

export function emulationStats(): EmulationStats {
  let listeners = 0;
  for (const task of liveUploadTasks) listeners += task.listenerCount();
  for (const task of agentTasks.values()) listeners += task.listenerCount();
  let live = 0;
  let transfers = 0;
  let bytesInMemory = 0;
  for (const request of httpRequests) {
    listeners += request.listenerCount();
    if (!request.destroyed) live++;
    transfers += request.transfers;
    bytesInMemory += request.bytesInMemory;
  }
  return {
    agentTasks: agentTasks.size,
    uploadTasks: liveUploadTasks.size,
    httpRequests: live,
    httpTransfers: transfers,
    httpBytesInMemory: bytesInMemory,
    openSockets: openSockets.size,
    listeners,
    openFiles: appFiles.size,
    copiesRunning: fileCopies.running,
  };
}

/**
 * Makes every `fileIo.<call>` on `path` (a sandbox path; `.`, `..` and repeated slashes do not matter) fail
 * with the BusinessError `code`, until `resetEmulation()`: an I/O error (13900005), a permission denied
 * (13900012), ... as the SDK's `@throws` lists give them (`FILE_IO_ERRORS`). Only the `@ohos.file.fs`
 * calls of the app fail: the request service reads its files on its own.
 */
export function failFileCall(call: FileIoCall, path: string, code: number): void {
  if (fileIoErrorOfCode(code) === undefined) throw new RangeError(`${code} is not a file-management error code`);
  fileFaults.set(fileFaultKey(call, path), code);
}

/** `fileIo.copyFile` calls begun since the process started: compare two readings to see whether one was made. */
export function fileCopiesStarted(): number {
  return fileCopies.started;
}

/**
 * Holds every `fileIo.copyFile` that begins from now on before its first byte (a slow copy, frozen), until
 * the returned function is called; copies already running go on. For tests of what happens while a file
 * is being copied.
 */
export function holdFileCopies(): () => void {
  fileCopies.hold?.release();
  let resolve!: () => void;
  const until = new Promise<void>((r) => {
    resolve = r;
  });
  const hold = {
    until,
    release: () => {
      if (fileCopies.hold === hold) fileCopies.hold = undefined;
      resolve();
    },
  };
  fileCopies.hold = hold;
  return hold.release;
}

/**
 * Calls `callback` once, as the next `fileIo.copyFile` ends and before its promise settles: for tests of
 * what happens in the moments after a copy is made.
 */
export function whenFileCopied(callback: () => void): void {
  fileCopies.ended = () => {
    fileCopies.ended = undefined;
    callback();
  };
}

/**
 * The app goes to the background or comes back: the `applicationStateChange` callbacks of the contexts'
 * `getApplicationContext()` run, and the request service's rule for FOREGROUND tasks starts or is cancelled
 * (docs/platform/app-lifecycle.md). The process is not suspended (a test process cannot stop itself): for
 * that, use a device (emulator/device.ts). `resetEmulation()` brings the app back to the foreground.
 */
export function setAppState(state: AppState): void {
  changeAppState(state);
}

/**
 * The device's network changes: the request service applies its network rules to the tasks
 * (docs/platform/ohos.request.md, "Network"), and `@ohos.net.http` meets it. `resetEmulation()` restores Wi-Fi.
 */
export function setNetwork(state: NetworkState): void {
  changeNetwork(state);
}

/** `applicationStateChange` callbacks registered now (`getApplicationContext().on(...)` without `off`). */
export function appStateCallbacks(): number {
  return appStateListenerCount();
}

/** Errors thrown by app listeners since the last call (the emulation catches them and goes on). */
export function takeListenerErrors(): unknown[] {
  return listenerErrors.splice(0, listenerErrors.length);
}

/**
 * Destroys every task (no events follow), closes their sockets and files and the app's descriptors, lets
 * held copies go, restores the default settings, and ends the failures of `failFileCall`. Resolves once the
 * sockets have closed. The sandbox's files stay (`getSandbox().clear()` removes them), and so does the media
 * library.
 */
export async function resetEmulation(): Promise<void> {
  for (const fd of appFiles.keys()) closeSync(fd);
  appFiles.clear();
  fileCopies.ended = undefined;
  fileCopies.hold?.release();
  for (const task of [...liveUploadTasks, ...agentTasks.values(), ...httpRequests]) task.destroy();
  liveUploadTasks.clear();
  agentTasks.clear();
  httpRequests.clear();
  await Promise.all(
    [...openSockets].map(
      (socket) =>
        new Promise<void>((resolve) => {
          socket.once('close', () => resolve());
          socket.destroy();
        }),
    ),
  );
  Object.assign(settings, DEFAULT_SETTINGS);
  resetAppState();
  resetScheduler();
  fileFaults.clear();
  listenerErrors.length = 0;
}
