/**
 * The one listener registry behind every UploadTask event.
 *
 * - adding the same function twice keeps one registration;
 * - `remove(fn)` removes it, `remove()` removes all;
 * - adding or removing during a dispatch is safe: the dispatch runs over the listeners present when it
 *   began, minus those removed since (a removed listener is never called again);
 * - a listener that throws is reported with console.error and the others still run.
 *
 * The list is copy-on-write, so a dispatch neither copies nor allocates.
 */
import { logError } from './errors';

interface Entry<T> {
  readonly fn: (value: T) => void;
  live: boolean;
}

export class ListenerRegistry<T> {
  private entries: ReadonlyArray<Entry<T>> = [];

  constructor(private readonly label: string) {}

  get size(): number {
    return this.entries.length;
  }

  add(fn: (value: T) => void): void {
    if (typeof fn !== 'function') return;
    for (const e of this.entries) if (e.fn === fn) return;
    this.entries = [...this.entries, { fn, live: true }];
  }

  remove(fn?: (value: T) => void): void {
    if (fn === undefined) {
      this.clear();
      return;
    }
    const kept: Entry<T>[] = [];
    for (const e of this.entries) {
      if (e.fn === fn) e.live = false;
      else kept.push(e);
    }
    if (kept.length !== this.entries.length) this.entries = kept;
  }

  clear(): void {
    for (const e of this.entries) e.live = false;
    this.entries = [];
  }

  emit(value: T): void {
    const list = this.entries;
    for (let i = 0; i < list.length; i++) {
      const e = list[i];
      if (!e.live) continue;
      try {
        e.fn(value);
      } catch (err) {
        logError(`a ${this.label} listener threw:`, err);
      }
    }
  }
}
