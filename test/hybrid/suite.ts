/**
 * What every page test file shares: the upload server, Chromium with the test page, and the checks that
 * run around each test (the page's files released; no uncaught error in the page).
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { RecordedEvent, Recording } from '../contract/driver';
import type { UploadFileSuccessResult } from '../../src/core/types';
import { startUploadServer } from '../../server/upload-server';
import type { UploadServer } from '../../server/types';
import { Harness } from './harness';

export interface PageSuite {
  server: UploadServer;
  harness: Harness;
}

/** Registers the suite's hooks; the returned object is filled in by beforeAll. */
export function usePageSuite(): PageSuite {
  const suite = {} as PageSuite;
  beforeAll(async () => {
    suite.server = await startUploadServer();
    suite.harness = await Harness.start();
  });
  // Each test makes its own files; the page keeps no more than one test's worth.
  afterEach(() => suite.harness.releaseFiles());
  afterAll(async () => {
    const errors = suite.harness?.pageErrors ?? [];
    await suite.harness?.close();
    await suite.server?.close();
    expect(errors, 'uncaught errors in the page').toEqual([]);
  });
  return suite;
}

export const kinds = (r: Recording): string[] => r.events.map((e) => e.kind);

export function errMsgOf(r: Recording): string | undefined {
  const fail = r.events.find((e) => e.kind === 'fail');
  return fail?.kind === 'fail' ? fail.result.errMsg : undefined;
}

export function successOf(r: Recording): UploadFileSuccessResult {
  const success = r.events.find((e) => e.kind === 'success');
  if (success?.kind !== 'success') throw new Error(`no success: ${JSON.stringify(kinds(r))} ${errMsgOf(r) ?? ''}`);
  return success.result;
}

export type ProgressEvent = Extract<RecordedEvent, { kind: 'progress' }>;
export type HeadersEvent = Extract<RecordedEvent, { kind: 'headers' }>;

export const progressOf = (r: Recording): ProgressEvent[] =>
  r.events.filter((e): e is ProgressEvent => e.kind === 'progress');
export const headersOf = (r: Recording): HeadersEvent[] =>
  r.events.filter((e): e is HeadersEvent => e.kind === 'headers');

/** The outcome as a user sees it: exactly one of success/fail, then complete, then the promise. */
export function expectFailure(r: Recording, errMsg: string): void {
  expect(kinds(r).filter((k) => ['success', 'fail', 'complete', 'resolved', 'rejected'].includes(k))).toEqual([
    'fail',
    'complete',
    'rejected',
  ]);
  expect(errMsgOf(r)).toBe(errMsg);
}

export function expectSuccess(r: Recording): UploadFileSuccessResult {
  expect(
    kinds(r).filter((k) => ['success', 'fail', 'complete', 'resolved', 'rejected'].includes(k)),
    errMsgOf(r),
  ).toEqual(['success', 'complete', 'resolved']);
  return successOf(r);
}
