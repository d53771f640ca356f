/**
 * Listener registry and event delivery of one task.
 *
 * On a device every notification of the request service crosses IPC and is posted to the app's JS thread
 * as a separate event (`napi_send_event` in request_request `js_notify_data_listener.cpp`), in the order the
 * service sent them. `EventQueue` reproduces that: one notification per macrotask, in order, and nothing
 * once the task is deleted or removed (docs/platform/ohos.request.md §1a "Events", pitfall §1c.5).
 */
import { listenerErrors } from './state';

type Handler<Args extends readonly unknown[]> = (...args: Args) => void;

export type EventMap<T> = { [K in keyof T]: readonly unknown[] };

export class Listeners<Events extends EventMap<Events>> {
  private readonly handlers = new Map<keyof Events, Array<Handler<Events[keyof Events]>>>();

  /** Adding the same callback twice keeps one registration, as the platform's listener list does. */
  add<K extends keyof Events>(type: K, handler: Handler<Events[K]>): void {
    const list = this.list(type);
    if (!list.includes(handler)) list.push(handler);
  }

  /** Without a callback, removes every callback of the type (`off(type)`, SDK `UploadTask.off`, `agent.Task.off`). */
  remove<K extends keyof Events>(type: K, handler?: Handler<Events[K]>): void {
    if (handler === undefined) {
      this.handlers.delete(type);
      return;
    }
    const list = this.list(type);
    const at = list.indexOf(handler);
    if (at >= 0) list.splice(at, 1);
  }

  /** Calls each callback; one that throws is recorded and does not stop the others or the task. */
  emit<K extends keyof Events>(type: K, ...args: Events[K]): void {
    for (const handler of [...this.list(type)]) {
      try {
        handler(...args);
      } catch (error) {
        listenerErrors.push(error);
        console.error(`[ohos emulation] a '${String(type)}' listener threw:`, error);
      }
    }
  }

  count(): number {
    let total = 0;
    for (const list of this.handlers.values()) total += list.length;
    return total;
  }

  clear(): void {
    this.handlers.clear();
  }

  private list<K extends keyof Events>(type: K): Array<Handler<Events[K]>> {
    let list = this.handlers.get(type);
    if (list === undefined) {
      list = [];
      this.handlers.set(type, list);
    }
    return list as Array<Handler<Events[K]>>;
  }
}

/** Delivers posted notifications one per macrotask, in order; `clear()` drops the ones not yet delivered. */
export class EventQueue {
  private readonly pending: Array<() => void> = [];
  private scheduled: NodeJS.Immediate | undefined;

  post(deliver: () => void): void {
    this.pending.push(deliver);
    this.schedule();
  }

  clear(): void {
    this.pending.length = 0;
    if (this.scheduled !== undefined) clearImmediate(this.scheduled);
    this.scheduled = undefined;
  }

  /** Resolves once every notification posted so far has been delivered (or dropped). */
  drained(): Promise<void> {
    if (this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.post(resolve));
  }

  private schedule(): void {
    if (this.scheduled !== undefined || this.pending.length === 0) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = undefined;
      const next = this.pending.shift();
      next?.();
      this.schedule();
    });
  }
}
