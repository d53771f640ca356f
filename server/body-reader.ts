/**
 * Reads a request body into a sink, honouring the reading faults: a rate limit (readBps), a point after
 * which reading stops (stallAfter, resetAfter), and a point where it waits until the test lets it go on
 * (holdAfter). Pausing the request pauses the socket, so a throttled, held or stalled server pushes back
 * on the client through TCP flow control, as a slow real server would.
 */
import type { IncomingMessage } from 'node:http';
import { createSink, type BodyError, type BodySink } from './body-sinks';
import type { Timers } from './timers';
import type { UploadSummary } from './types';

export type BodyOutcome =
  | { kind: 'complete'; summary: UploadSummary }
  /** The body is malformed; the rest of it is read and discarded, so the connection stays usable. */
  | { kind: 'invalid'; error: BodyError }
  /** stallAfter reached: no more body bytes are taken, and no answer will come. */
  | { kind: 'stalled' }
  /** resetAfter reached: reading stopped and the caller resets the connection. */
  | { kind: 'reset' }
  /** The connection closed before the body ended. */
  | { kind: 'aborted' };

export interface ReadOptions {
  readBps?: number;
  stallAfter?: number;
  resetAfter?: number;
  /**
   * Reading pauses once this many body bytes are read (at the end of the chunk that reaches it) and goes
   * on when `onHold`'s callback is called.
   */
  holdAfter?: number;
  /** Called when the hold point is reached, with the function that lets reading go on. */
  onHold?(goOn: () => void): void;
  timers: Timers;
  /** Called with the total after every chunk read. */
  onBytes(total: number): void;
}

export function readBody(req: IncomingMessage, options: ReadOptions): Promise<BodyOutcome> {
  return new Promise((resolve) => new BodyReader(req, options, resolve).start());
}

const TICK_MS = 50;
/** Bytes read and dropped after a stall point (see drainQuietly). */
const STALL_DRAIN_BYTES = 4 * 1024 * 1024;

type PauseReason = 'throttle' | 'backpressure' | 'halted' | 'held';

interface StopPoint {
  at: number;
  kind: 'stalled' | 'reset';
}

class BodyReader {
  private received = 0;
  private ended = false;
  private settled = false;
  private discarding = false;
  private held = false;
  private readonly paused = new Set<PauseReason>();
  private readonly sink: BodySink;
  private readonly stop: StopPoint | undefined;
  private readonly throttle: Throttle | undefined;
  private cancelTick: (() => void) | undefined;

  constructor(
    private readonly req: IncomingMessage,
    private readonly options: ReadOptions,
    private readonly resolve: (outcome: BodyOutcome) => void,
  ) {
    this.sink = createSink(req.method ?? '', req.headers);
    this.stop = stopPoint(options);
    this.throttle = options.readBps === undefined ? undefined : new Throttle(options.readBps);
  }

  start(): void {
    this.sink.done.then(
      (summary) => this.settle({ kind: 'complete', summary }),
      (error: BodyError) => this.invalid(error),
    );
    this.req.on('error', () => undefined);
    this.req.on('close', this.onClose);
    if (this.stop?.at === 0) {
      this.halt();
      return;
    }
    this.req.on('data', this.onData);
    this.req.on('end', this.onEnd);
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.stop && this.received + chunk.length >= this.stop.at) {
      this.take(chunk.subarray(0, this.stop.at - this.received));
      this.halt();
      return;
    }
    this.take(chunk);
    this.limitRate(chunk.length);
    this.holdAt();
  };

  private holdAt(): void {
    const { holdAfter, onHold } = this.options;
    if (this.held || holdAfter === undefined || this.received < holdAfter || this.req.complete) return;
    this.held = true;
    this.pause('held');
    onHold?.(() => this.resume('held'));
  }

  private readonly onEnd = (): void => {
    this.ended = true;
    this.stopTicking();
    if (this.stop) this.halt();
    else if (!this.discarding) this.sink.end();
  };

  private readonly onClose = (): void => {
    this.stopTicking();
    if (!this.ended) this.settle({ kind: 'aborted' });
  };

  private take(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.received += chunk.length;
    this.options.onBytes(this.received);
    if (this.discarding || this.sink.write(chunk)) return;
    this.pause('backpressure');
    this.sink.onceDrained(() => this.resume('backpressure'));
  }

  private limitRate(bytes: number): void {
    if (!this.throttle) return;
    this.throttle.take(bytes);
    if (this.throttle.ready() || this.paused.has('throttle')) return;
    this.pause('throttle');
    this.tick();
  }

  private tick(): void {
    this.cancelTick = this.options.timers.after(TICK_MS, () => {
      this.cancelTick = undefined;
      if (this.throttle?.ready()) this.resume('throttle');
      else this.tick();
    });
  }

  private stopTicking(): void {
    this.cancelTick?.();
    this.cancelTick = undefined;
  }

  /** Stops taking body bytes at the stop point (or at the end of a shorter body). */
  private halt(): void {
    this.stopTicking();
    this.req.off('data', this.onData);
    this.req.off('end', this.onEnd);
    const kind = this.stop?.kind ?? 'stalled';
    if (kind === 'stalled' && !this.ended) this.drainQuietly();
    else this.pause('halted');
    this.settle({ kind });
  }

  /**
   * A closed connection is noticed only by reading up to its end, so a reader that stopped for good would
   * never learn that the client gave up. After a stall point, bytes are therefore still read and dropped
   * (uncounted, unparsed) up to a bound; past it reading stops, so large uploads stall for real.
   */
  private drainQuietly(): void {
    let drained = 0;
    this.req.on('data', (chunk: Buffer) => {
      drained += chunk.length;
      if (drained >= STALL_DRAIN_BYTES) this.pause('halted');
    });
    this.paused.clear();
    this.req.resume();
  }

  private invalid(error: BodyError): void {
    if (this.settled) return;
    this.discarding = true;
    this.resume('backpressure');
    this.settle({ kind: 'invalid', error });
  }

  private pause(reason: PauseReason): void {
    this.paused.add(reason);
    this.req.pause();
  }

  private resume(reason: PauseReason): void {
    this.paused.delete(reason);
    if (this.paused.size === 0 && !this.req.destroyed) this.req.resume();
  }

  private settle(outcome: BodyOutcome): void {
    if (this.settled) return;
    this.settled = true;
    this.resolve(outcome);
  }
}

/** The earlier of stallAfter and resetAfter; a reset wins a tie. */
function stopPoint({ stallAfter, resetAfter }: ReadOptions): StopPoint | undefined {
  if (resetAfter !== undefined && (stallAfter === undefined || resetAfter <= stallAfter)) {
    return { at: resetAfter, kind: 'reset' };
  }
  return stallAfter === undefined ? undefined : { at: stallAfter, kind: 'stalled' };
}

/** A token bucket holding at most one tick's worth of bytes, so bursts stay short. */
class Throttle {
  private readonly capacity: number;
  private tokens: number;
  private last = performance.now();

  constructor(private readonly bytesPerSecond: number) {
    this.capacity = Math.max(1, (bytesPerSecond * TICK_MS) / 1000);
    this.tokens = this.capacity;
  }

  take(bytes: number): void {
    this.refill();
    this.tokens -= bytes;
  }

  ready(): boolean {
    this.refill();
    return this.tokens >= 0;
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.bytesPerSecond) / 1000);
    this.last = now;
  }
}
