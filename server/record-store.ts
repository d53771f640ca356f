/**
 * The upload records of one server, and the waiters that watch them change.
 */
import type { IncomingMessage } from 'node:http';
import type { UploadRecord } from './types';

type Predicate = (record: UploadRecord) => boolean;

interface Waiter {
  promise: Promise<UploadRecord>;
  predicate: Predicate;
  resolve(record: UploadRecord): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class RecordStore {
  private list: UploadRecord[] = [];
  /** The records not yet forgotten; requests still running keep updating forgotten ones. */
  private readonly current = new Set<UploadRecord>();
  private readonly waiters = new Set<Waiter>();
  private generated = 0;

  get records(): readonly UploadRecord[] {
    return this.list;
  }

  create(req: IncomingMessage, url: URL): UploadRecord {
    const record: UploadRecord = {
      id: url.searchParams.get('id') ?? `upload-${++this.generated}`,
      method: req.method ?? '',
      url: req.url ?? '',
      headers: { ...req.headers },
      startedAt: Date.now(),
      bytesReceived: 0,
      bodyComplete: false,
      responded: false,
      clientAborted: false,
    };
    this.list.push(record);
    this.current.add(record);
    this.changed(record);
    return record;
  }

  /** Call after every change of a record. Only that record can newly match, so only it is tested. */
  changed(record: UploadRecord): void {
    if (!this.current.has(record)) return;
    for (const waiter of this.waiters) {
      let matches: boolean;
      try {
        matches = waiter.predicate(record);
      } catch (error) {
        this.settle(waiter, () => waiter.reject(error instanceof Error ? error : new Error(String(error))));
        continue;
      }
      if (matches) this.settle(waiter, () => waiter.resolve(record));
    }
  }

  byId(id: string): UploadRecord[] {
    return this.list.filter((record) => record.id === id);
  }

  clear(): void {
    this.list = [];
    this.current.clear();
  }

  waitFor(predicate: Predicate, timeoutMs = 10_000): Promise<UploadRecord> {
    const existing = this.list.find(predicate);
    if (existing) return Promise.resolve(existing);
    let resolve!: (record: UploadRecord) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<UploadRecord>((onResolve, onReject) => {
      resolve = onResolve;
      reject = onReject;
    });
    const waiter: Waiter = {
      promise,
      predicate,
      resolve,
      reject,
      timer: setTimeout(() => {
        this.settle(waiter, () => reject(new Error(this.timeoutMessage(predicate, timeoutMs))));
      }, timeoutMs),
    };
    this.waiters.add(waiter);
    return promise;
  }

  /** Rejects every pending waiter; the rejection is not reported as unhandled when nobody awaits it. */
  rejectWaiters(reason: string): void {
    for (const waiter of this.waiters) {
      waiter.promise.catch(() => undefined);
      this.settle(waiter, () => waiter.reject(new Error(reason)));
    }
  }

  private settle(waiter: Waiter, action: () => void): void {
    clearTimeout(waiter.timer);
    this.waiters.delete(waiter);
    action();
  }

  private timeoutMessage(predicate: Predicate, timeoutMs: number): string {
    const seen = this.list.map(describe).join('; ') || 'none';
    return `upload server: no record matched ${predicate.toString()} within ${timeoutMs} ms (records: ${seen})`;
  }
}

function describe(r: UploadRecord): string {
  const state = [
    `${r.bytesReceived} B`,
    r.bodyComplete ? 'body complete' : 'body incomplete',
    r.responded ? `responded ${r.status}` : r.status === undefined ? 'no answer' : `answering ${r.status}`,
    r.clientAborted ? 'aborted' : '',
    r.closedAt === undefined ? '' : 'closed',
  ].filter(Boolean);
  return `${r.id} ${r.method} ${r.url} (${state.join(', ')})`;
}
