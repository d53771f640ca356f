/**
 * Test controls of the emulation (not part of any platform API): settings, counters, and a reset.
 */
import {
  DEFAULT_SETTINGS,
  agentTasks,
  httpRequests,
  listenerErrors,
  liveUploadTasks,
  openSockets,
  settings,
  type EmulationSettings,
} from './state';

export type { EmulationSettings } from './state';

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
  };
}

/** Errors thrown by app listeners since the last call (the emulation catches them and goes on). */
export function takeListenerErrors(): unknown[] {
  return listenerErrors.splice(0, listenerErrors.length);
}

/**
 * Destroys every task (no events follow), closes their sockets and files, restores the default settings.
 * Resolves once the sockets have closed. The sandbox's files stay (`getSandbox().clear()` removes them).
 */
export async function resetEmulation(): Promise<void> {
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
  listenerErrors.length = 0;
}
