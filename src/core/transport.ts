/**
 * The one small interface each platform implements: start an upload, report what happens, stop it.
 * The core owns everything else (options, queue, timeout, retries, events, the single outcome).
 */
import type { UploadRequest } from './options';
import type { HeaderRecord } from './types';

export interface TransportResponse {
  statusCode: number;
  header: HeaderRecord;
  data: string;
  /** The size in bytes of the upload's files together, for the final progress event. */
  totalBytes: number;
}

/** Where a transport reports. Calls after the outcome, or after `close()`, are ignored. */
export interface TransportSink {
  /**
   * File bytes sent so far of the files' size, at whatever rate the platform gives: with several files, both
   * are sums over all of them (multipart framing and form fields are not counted).
   */
  progress(sent: number, total: number): void;
  /** The response's headers; the first call is dispatched, later ones are ignored. */
  headers(header: HeaderRecord): void;
  /** The server answered (any HTTP status). */
  success(response: TransportResponse): void;
  /**
   * The upload cannot finish. `retryable` marks a network failure before any response, which the
   * caller's `retry` option may try again.
   */
  fail(reason: string, retryable?: boolean): void;
  /**
   * The outcome reported next was learned after the fact: from what the platform kept of an upload that
   * ended while no process of the app watched it (a restored background upload). The result is marked
   * `afterTheFact: true`; a success then carries the headers only (its `statusCode` and `data` are not
   * passed on, whatever the response says).
   */
  afterTheFact(): void;
}

export interface TransportHandle {
  /**
   * Called exactly once when the task ends, whatever ended it: stop any transfer still running and
   * release every platform resource. Must not throw and must not report anything afterwards.
   *
   * Where the platform cannot stop at once (an @ohos.net.http request sends its body on after destroy()),
   * return a promise that settles when it has stopped; it must settle (a time limit of the platform's at
   * the latest). Until then the upload keeps its place among the `maxConcurrent` running ones, so that
   * never more than that many use the network, whatever was aborted.
   */
  close(): void | Promise<void>;
}

export interface Transport<Source> {
  /**
   * Starts one attempt of the upload; everything it needs is in the checked request. Never called inside
   * uploadFile() itself (the core starts the first attempt a microtask later), so a transport may send at
   * once: an abort() in the caller's same turn has ended the upload before this is called.
   */
  start(request: UploadRequest<Source>, sink: TransportSink): TransportHandle;
}
