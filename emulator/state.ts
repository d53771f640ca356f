/**
 * Process-wide state of the emulation: its settings, the live tasks and the client sockets.
 * `control.ts` is the public face of this module.
 */
import type { Socket } from 'node:net';
import { posix } from 'node:path';

export interface EmulationSettings {
  /**
   * Minimum time between two progress events of a task. Devices use 1000 ms (`FRONT_NOTIFY_INTERVAL`,
   * request_request `services/src/task/operator.rs`; docs/platform/ohos.request.md §1a "Progress").
   */
  progressIntervalMs: number;
  /**
   * Pause before each automatic retry after a network failure (`RETRY_INTERVAL = 400`,
   * request_request `services/src/task/request_task.rs`).
   */
  retryIntervalMs: number;
  /**
   * Deadline of one HTTP request, from connecting to the end of the response. The service uses 10 minutes for
   * tasks without a notification (every `uploadFile` task) and 7 days otherwise (request_request
   * `services/src/task/client.rs`; docs/platform/ohos.request.md §1a "Task mode"); the emulation uses 10 minutes for
   * every task.
   */
  totalTimeoutMs: number;
  /**
   * Firmware with the request service's July 2026 change (`services/src/task/info.rs` +
   * `http_error_registry.rs`; docs/platform/ohos.request.md §1a, the reason table) names the status in the
   * text of reason 17: "Http protocol error: 404 Not Found" (`TaskState.message` of `uploadFile`, `TaskInfo.reason` of
   * `agent.show()`); older firmware says "Http protocol error". Off by default (older firmware). The
   * sources show only the 404 example: for a status without a canonical reason phrase (522, 499) the
   * emulation writes the number alone ("Http protocol error: 522").
   */
  statusInProtocolError: boolean;
  /**
   * The shape of `agent.Progress.extras` of a completed task. Off (default): the lower-cased response headers
   * flat beside `body`, as the request service builds it (docs/platform/ohos.request.md, "Progress.extras");
   * on: `{headers, body}`, as the SDK's doc comment of `agent.Progress.extras` describes it.
   */
  nestedExtras: boolean;
  /**
   * Multiplies the durations of the platform's rules: the 60 s after which the request service fails a
   * FOREGROUND upload of an app in the background (docs/platform/app-lifecycle.md). 0.001 makes 60 s last 60 ms.
   */
  timeScale: number;
}

export const DEFAULT_SETTINGS: Readonly<EmulationSettings> = Object.freeze({
  progressIntervalMs: 1000,
  retryIntervalMs: 400,
  totalTimeoutMs: 10 * 60 * 1000,
  statusInProtocolError: false,
  nestedExtras: false,
  timeScale: 1,
});

/** How many automatic retries a task gets after network failures (`RETRY_TIMES = 4`, request_task.rs). */
export const NETWORK_RETRY_TIMES = 4;
/** Connect timeout of the service's HTTP client (`CONNECT_TIMEOUT = 60` s, services/src/task/client.rs). */
export const CONNECT_TIMEOUT_MS = 60_000;

export const settings: EmulationSettings = { ...DEFAULT_SETTINGS };

/** What `emulationStats()` and `resetEmulation()` need from a task. */
export interface LiveTask {
  /** Listeners currently registered. */
  listenerCount(): number;
  /** Stops everything at once (sockets, timers, files) without emitting events. */
  destroy(): void;
}

/** A created agent task, until `request.agent.remove(tid)`. */
export interface LiveAgentTask extends LiveTask {
  /** `request.agent.remove`: stops the task (its socket is closed when this resolves) and frees it. */
  remove(): Promise<void>;
}

/** An `@ohos.net.http` HttpRequest, from `createHttp()` until it is destroyed and its transfers have ended. */
export interface LiveHttpRequest extends LiveTask {
  /** `destroy()` was called (which only raises a flag: a running transfer goes on). */
  readonly destroyed: boolean;
  /** `requestInStream` transfers not ended yet. */
  readonly transfers: number;
  /** File bytes its running transfers hold in memory (a form part with both filePath and remoteFileName). */
  readonly bytesInMemory: number;
}

/** HttpRequest objects not destroyed, or with a transfer still running. */
export const httpRequests = new Set<LiveHttpRequest>();

/** `uploadFile` tasks running (not finished, not deleted). */
export const liveUploadTasks = new Set<LiveTask>();
/** Agent tasks by tid, created and not removed. */
export const agentTasks = new Map<string, LiveAgentTask>();
export const openSockets = new Set<Socket>();

/** The `@ohos.file.fs` calls the emulation can be told to fail (control.ts, `failFileCall`). */
export type FileIoCall = 'access' | 'copyFile' | 'listFile' | 'lstat' | 'mkdir' | 'rmdir' | 'stat' | 'unlink';

/** Injected failures: the BusinessError code each `<call> <normalised sandbox path>` fails with. */
export const fileFaults = new Map<string, number>();

export function fileFaultKey(call: FileIoCall, path: string): string {
  return `${call} ${posix.normalize(path)}`;
}

/** Called as an agent task changes state or sends progress (the request service's store, device/service-main.ts). */
export const taskHooks: { changed: ((task: unknown) => void) | undefined } = { changed: undefined };

/** Errors thrown by listeners; the dispatcher keeps them here instead of letting them break a task. */
export const listenerErrors: unknown[] = [];

export function trackSocket(socket: Socket): void {
  if (socket.destroyed) return;
  openSockets.add(socket);
  socket.once('close', () => openSockets.delete(socket));
}

/** A descriptor the app holds from `fileIo.open`, until `fileIo.close`. */
export interface AppFile {
  readonly fd: number;
  /** What was opened: a sandbox path, or a user file's URI. */
  readonly path: string;
  readonly writable: boolean;
}

/** The app's open descriptors (`fileIo.open` without `fileIo.close`), by number. */
export const appFiles = new Map<number, AppFile>();

/** `fileIo.copyFile` calls: how many began since the process started, how many run now, and a hold. */
export const fileCopies = {
  started: 0,
  running: 0,
  /** While set, a copy waits on `until` before its first byte, and `release` lets them go (`holdFileCopies()`). */
  hold: undefined as { until: Promise<void>; release(): void } | undefined,
  /** Called as each copy ends, before its promise settles (`whenFileCopied()`). */
  ended: undefined as (() => void) | undefined,
};
