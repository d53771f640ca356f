/**
 * Reading what a user saw: the queries over a recording (driver.ts's `runScenario`, on every target, or the
 * unit tier's `watch()`, test/core/scripted-transport.ts, which records the same events) and the assertions
 * on its outcome. Every test reads recordings through these, whatever the target.
 *
 *   const r = await suite.target.run({ options });
 *   const result = expectSuccess(r);           // success, complete, the promise; nothing after
 *   expect(progressOf(r).at(-1)).toMatchObject({ progress: 100 });
 *   expectFailure(other, 'uploadFile:fail abort');
 */
import { expect } from 'vitest';
import type { UploadFileFailResult, UploadFileSuccessResult } from '../../src/core/types';
import type { RecordedEvent, Recording } from './driver';

/** What the queries read: a Recording, or any record of the same events (test/core's `Seen`). */
export type Events = Pick<Recording, 'events'>;

export type EventKind = RecordedEvent['kind'];
export type EventOf<K extends EventKind> = Extract<RecordedEvent, { kind: K }>;
export type ProgressEvent = EventOf<'progress'>;
export type HeadersEvent = EventOf<'headers'>;
export type OutcomeEvent = EventOf<'success' | 'fail'>;

/** The driver's own marks: where the call returned and where the test called abort(). No user sees them. */
const MARKS: readonly EventKind[] = ['returned', 'aborted'];

/** The kinds of the events, in order: all of them, only those named, or all but those named. */
export function kinds(
  r: Events,
  filter: { only?: readonly EventKind[]; except?: readonly EventKind[] } = {},
): EventKind[] {
  const { only, except } = filter;
  return r.events.map((e) => e.kind).filter((k) => (!only || only.includes(k)) && !except?.includes(k));
}

/** The first event of this kind; a test that expects one and finds none fails here, naming what there was. */
export function eventOf<K extends EventKind>(r: Events, kind: K): EventOf<K> {
  const event = r.events.find((e): e is EventOf<K> => e.kind === kind);
  if (event === undefined) throw new Error(`no ${kind} event in ${kinds(r).join(', ')} ${errMsgOf(r) ?? ''}`);
  return event;
}

/** The progress events, of one listener (the driver names them p1, p2, p3) or of all. */
export function progressOf(r: Events, listener?: string): ProgressEvent[] {
  return r.events.filter(
    (e): e is ProgressEvent => e.kind === 'progress' && (listener === undefined || e.listener === listener),
  );
}

/** The percents of the progress events, in order, of one listener or of all. */
export function percents(r: Events, listener?: string): number[] {
  return progressOf(r, listener).map((e) => e.progress);
}

/** The headers events, of one listener (the driver names them h1, h2) or of all. */
export function headersOf(r: Events, listener?: string): HeadersEvent[] {
  return r.events.filter(
    (e): e is HeadersEvent => e.kind === 'headers' && (listener === undefined || e.listener === listener),
  );
}

/** The errMsg of the `fail` callback, if there was one. */
export function errMsgOf(r: Events): string | undefined {
  return r.events.find((e): e is EventOf<'fail'> => e.kind === 'fail')?.result.errMsg;
}

/**
 * Exactly one outcome, as a user sees it: `success` xor `fail`, then `complete` once with the same result,
 * then the promise settles with it, and nothing after (no listener, no callback). Returns the outcome.
 * `label` names the recording in a failure (default: its errMsg).
 */
export function expectOutcome(r: Events, label?: string): OutcomeEvent {
  const seen = r.events.filter((e) => !MARKS.includes(e.kind));
  const outcome = seen.find((e): e is OutcomeEvent => e.kind === 'success' || e.kind === 'fail');
  const message = label ?? errMsgOf(r);
  if (outcome === undefined) throw new Error(`${message ?? ''} no outcome in ${kinds(r).join(', ')}`.trim());
  const settled = outcome.kind === 'success' ? 'resolved' : 'rejected';
  expect(kinds(r, { only: ['success', 'fail', 'complete', 'resolved', 'rejected'] }), message).toEqual([
    outcome.kind,
    'complete',
    settled,
  ]);
  expect(seen.slice(seen.indexOf(outcome)), message).toEqual([
    outcome,
    { kind: 'complete', result: outcome.result },
    { kind: settled, result: outcome.result },
  ]);
  return outcome;
}

/** One outcome, a success (see expectOutcome); returns its result. */
export function expectSuccess(r: Events): UploadFileSuccessResult {
  const outcome = expectOutcome(r);
  expect(outcome.kind, errMsgOf(r)).toBe('success');
  return (outcome as EventOf<'success'>).result;
}

/** One outcome, a failure with this errMsg (or one that matches), and nothing else in its result. */
export function expectFailure(r: Events, errMsg: string | RegExp): UploadFileFailResult {
  const outcome = expectOutcome(r);
  expect(outcome.kind).toBe('fail');
  expect(outcome.result).toEqual({ errMsg: typeof errMsg === 'string' ? errMsg : expect.stringMatching(errMsg) });
  return outcome.result as UploadFileFailResult;
}
