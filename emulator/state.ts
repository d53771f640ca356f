/**
 * Process-wide state of the emulation: its settings, the live tasks and the client sockets.
 * `control.ts` is the public face of this module.
 */
import type { Socket } from 'node:net';

export interface EmulationSettings {
  /**
   * Minimum time between two progress events of a task. Devices use 1000 ms (`FRONT_NOTIFY_INTERVAL`,
   * request_request `services/src/task/operator.rs`; ohos-platform.md §1a).
   */
  progressIntervalMs: number;
  /**
   * Pause before each automatic retry after a network failure (`RETRY_INTERVAL = 400`,
   * request_request `services/src/task/request_task.rs`).
   */
  retryIntervalMs: number;
  /**
   * Deadline of one HTTP request, from connecting to the end of the response. The service uses 10 minutes for
   * tasks without a notification (every `uploadFile` task) and 7 days otherwise (ohos-platform.md §1a,
   * request_request `services/src/task/client.rs`); the emulation uses 10 minutes for every task.
   */
  totalTimeoutMs: number;
  /**
   * Firmware with the request service's July 2026 change (`services/src/task/info.rs` +
   * `http_error_registry.rs`, ohos-platform.md §1a) names the status in the text of reason 17:
   * "Http protocol error: 404 Not Found" (`TaskState.message` of `uploadFile`, `TaskInfo.reason` of
   * `agent.show()`); older firmware says "Http protocol error". Off by default (older firmware). The
   * reference shows only the 404 example: for a status without a canonical reason phrase (522, 499) the
   * emulation writes the number alone ("Http protocol error: 522").
   */
  statusInProtocolError: boolean;
}

export const DEFAULT_SETTINGS: Readonly<EmulationSettings> = Object.freeze({
  progressIntervalMs: 1000,
  retryIntervalMs: 400,
  totalTimeoutMs: 10 * 60 * 1000,
  statusInProtocolError: false,
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

/** Errors thrown by listeners; the dispatcher keeps them here instead of letting them break a task. */
export const listenerErrors: unknown[] = [];

export function trackSocket(socket: Socket): void {
  if (socket.destroyed) return;
  openSockets.add(socket);
  socket.once('close', () => openSockets.delete(socket));
}
