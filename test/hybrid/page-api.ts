/**
 * What the test page (page-entry.ts, bundled into the page) exposes to the Node side as `window.harness`.
 * Everything crosses `page.evaluate` as JSON, so file sources are named by strings: a `blobref:<key>`
 * filePath is swapped in the page for the Blob or File registered under that key.
 */
import type { Recording, Scenario } from '../contract/driver';

export const BLOB_REF = 'blobref:';

export interface EngineCounts {
  live: number;
  running: number;
  waiting: number;
}

export interface XhrCounts {
  /** XHRs sent whose loadend has not fired yet: a request the library left running. */
  open: number;
  /** XHRs sent since the page loaded. */
  sent: number;
  /** The most XHRs open at once since resetXhrPeak(). */
  peak: number;
}

export interface LoadFileOptions {
  /** Register a File of that name (its name is then the default multipart file name); else a Blob. */
  fileName?: string;
  /** The Blob's or File's own type (the library re-types the part from the file name anyway). */
  type?: string;
}

/**
 * What makes a blob: URL: the page's own URL.createObjectURL (after the library loaded, so the library
 * knows the Blob), the function as it was before the library loaded (the test page's first script keeps
 * it, as code that ran earlier would), or the URL.createObjectURL of another frame of the page (same
 * origin, without the library).
 */
export type UrlMaker = 'page' | 'before-library' | 'frame';

/** Who revokes a blob: URL: the page's URL.revokeObjectURL, or the function as it was before the library loaded. */
export type UrlRevoker = 'page' | 'before-library';

/** What a raw uploadFile call with arbitrary options did (hostile-input tests). */
export interface RawOutcome {
  /** The message of an exception thrown out of uploadFile, if any (there must be none). */
  threw: string | null;
  outcome: 'success' | 'fail' | 'hang';
  errMsg?: string;
  failCalls: number;
  completeCalls: number;
}

export interface PageHarness {
  /** Fetches the bytes at url into a Blob (or File) kept under key; resolves with its size. */
  loadFile(key: string, url: string, options?: LoadFileOptions): Promise<number>;
  /** A blob: URL of a registered file; revoked by releaseFiles(). */
  blobUrl(key: string, maker?: UrlMaker): string;
  /**
   * A blob: URL, made by the page, of a new Blob with the registered file's bytes that the page does not
   * keep: once that Blob is collected, the library no longer knows it.
   */
  unheldBlobUrl(key: string): string;
  /**
   * A blob: URL that was revoked at once: what a page holds after the data is gone. Its Blob is kept until
   * releaseFiles(), so that only the revocation tells it from a live one.
   */
  revokedBlobUrl(revoker?: UrlRevoker): string;
  /** Registers the File chosen in the page's file input under key; returns its size. */
  pickedFile(key: string): number;
  /** Forgets every registered file and revokes every blob: URL made by blobUrl(). */
  releaseFiles(): void;
  run(scenario: Scenario): Promise<Recording>;
  runMany(scenarios: Scenario[]): Promise<Recording[]>;
  runInSequence(scenarios: Scenario[]): Promise<Recording[]>;
  configure(settings: { maxConcurrent?: number }): void;
  uploadStats(): EngineCounts;
  xhrCounts(): XhrCounts;
  resetXhrPeak(): void;
  /** Unhandled promise rejections (window 'unhandledrejection') since the last call. */
  takeUnhandledRejections(): number;
  hasBridge(): boolean;
  /** uploadFile with these options as they are (fail/complete counted when options is an object). */
  rawUpload(options: unknown, hangMs: number): Promise<RawOutcome>;
}

declare global {
  interface Window {
    harness: PageHarness;
  }
}
