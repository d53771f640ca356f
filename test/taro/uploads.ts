/**
 * What the fixture app's upload functions (fixtures/taro-app/src/pages/index/uploads.js) record, and how
 * the tests read it. Both Taro targets run the same app code.
 */
import type { UploadSummary } from '../../server/types';

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
