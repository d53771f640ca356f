/**
 * What the fixture app's upload functions (fixtures/taro-app/src/pages/index/uploads.js) record, and how
 * the tests read it. Both Taro targets run the same app code. The app is built by the Taro CLI and keeps a
 * record of its own (tuples), not the contract driver's: these read that record, as
 * test/contract/recording.ts reads the driver's.
 */
import { expect } from 'vitest';
import type { UploadServer, UploadSummary } from '../../server/types';

export type AppEvent =
  | ['progress', number]
  | ['headers', Record<string, string>]
  | ['success' | 'complete' | 'resolved', { data: string; statusCode: number; errMsg: string }]
  | ['fail' | 'complete' | 'rejected', { errMsg?: string; error?: string }]
  | ['removed listener called'];

/**
 * The ways the app calls uploadFile: Taro.uploadFile with callbacks, as a promise with listeners, as the
 * named import, and awaiting the result alone.
 */
export type CallStyle = 'withCallbacks' | 'withPromise' | 'withNamedImport' | 'awaitResult';

export interface UploadPlan {
  options: Record<string, unknown>;
  /** Abort from the progress listener once this percent is reached. */
  abortAtPercent?: number;
}

/** The events' kinds separated by spaces, each run of progress events as one `progress`. */
export function timeline(events: AppEvent[]): string {
  const kinds: string[] = [];
  for (const [kind] of events) if (kind !== 'progress' || kinds.at(-1) !== 'progress') kinds.push(kind);
  return kinds.join(' ');
}

/** The progress percents in the order the listener saw them. */
export function percents(events: AppEvent[]): number[] {
  return events.flatMap((e) => (e[0] === 'progress' ? [e[1]] : []));
}

/** The server's summary of what it received, from the body of the result the app got with that event. */
export function summaryOf(events: AppEvent[], kind: 'success' | 'resolved'): UploadSummary {
  const event = events.find((e) => e[0] === kind);
  if (!event) throw new Error(`no ${kind} event in ${JSON.stringify(events)}`);
  return JSON.parse((event[1] as { data: string }).data) as UploadSummary;
}

/**
 * An upload the app aborted from its progress listener, as the app saw it (progress, then fail and
 * complete with the abort) and as the server saw it (never the whole body).
 */
export async function expectAbortedMidway(events: AppEvent[], server: UploadServer, id: string): Promise<void> {
  expect(timeline(events)).toBe('progress fail complete');
  expect(percents(events).at(-1)).toBeLessThan(100);
  expect(events.slice(-2)).toEqual([
    ['fail', { errMsg: 'uploadFile:fail abort' }],
    ['complete', { errMsg: 'uploadFile:fail abort' }],
  ]);
  const record = await server.waitFor((r) => r.id === id && r.endedAt !== undefined);
  expect(record.bodyComplete).toBe(false);
}
