/**
 * What crosses the socket between an app process and the request service process of an emulated device:
 * one JSON value per line. The app's requests carry an `id` the answer repeats; notifications of a task go to
 * every app connection subscribed to it (the one that created it, and those that called `getTask`), as the
 * service sends them to the subscribed pids (request_request `services/src/service/client/mod.rs`).
 */
import type { Socket } from 'node:net';

export type ServiceOp =
  | { op: 'create'; cacheDir: string; config: unknown; bodyFiles: string[] }
  | { op: 'start' | 'stop' | 'remove' | 'show' | 'subscribe'; tid: string }
  | { op: 'touch'; tid: string; token: string }
  | { op: 'search'; filter: unknown }
  | { op: 'getTask'; tid: string; token: string };

export type ServiceRequest = ServiceOp & { id: number };

/** What `create` and `getTask` answer: the task as the app's JS layer rebuilds it. */
export interface TaskHandle {
  tid: string;
  config: unknown;
  bodyFiles: string[];
}

export type ServiceAnswer =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { code: number; message: string } };

/** A task's notification. `payload`: a Progress, or for 'response' an HttpResponse with `headers` as entries. */
export interface ServiceNotification {
  event: 'progress' | 'completed' | 'failed' | 'response' | 'pause' | 'resume' | 'remove';
  tid: string;
  payload: unknown;
}

export type ServiceMessage = ServiceAnswer | ServiceNotification;

/** Calls `onValue` with each JSON line that arrives on `socket`. */
export function readLines(socket: Socket, onValue: (value: unknown) => void): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      if (line !== '') onValue(JSON.parse(line));
    }
  });
}

export function writeLine(socket: Socket, value: unknown): void {
  if (!socket.destroyed) socket.write(`${JSON.stringify(value)}\n`);
}
