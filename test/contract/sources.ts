/**
 * The files apps upload, in the forms pickers and shells hand them over: a photo picker's `file://media/...`
 * URI, `internal://cache|files|temp/...` (Taro's hybrid shell names picked pictures `internal://temp/<time>_<name>`),
 * and an absolute path in the application's tempDir (where Taro's ArkTS runtime puts compressed images).
 * Written once, run by every ArkTS engine and by the bridge: for each form the bytes that reach the server,
 * the default file name, and that no temporary copy and no open descriptor is left after any outcome
 * (success, failure, abort while the file is being copied, abort while it is uploading, timeout).
 */
import { expect } from 'vitest';
import { type ContractTarget, expectNeverReached, expectNothingLeft, uniqueId, urlFor } from './cases';
import { NETWORK_FAILURE } from './faults';
import { expectFailure, expectSuccess } from './recording';

export type SourceForm = 'file://media/' | 'internal://cache/' | 'internal://files/' | 'internal://temp/' | 'tempDir';

export const SOURCE_FORMS: readonly SourceForm[] = [
  'file://media/',
  'internal://cache/',
  'internal://files/',
  'internal://temp/',
  'tempDir',
];

export interface SourceFile {
  /** The filePath to pass. */
  filePath: string;
  sha256: string;
  size: number;
  /** The multipart file name the upload must carry by default: the last segment (a user file's display name). */
  fileName: string;
}

/** A target that can put files where each form points, and show the copies the library makes. */
export interface SourceTarget extends ContractTarget {
  /** A file of `size` bytes where files of `form` are; `name` is its display name, or the end of its name. */
  sourceFile(form: SourceForm, size: number, name: string): Promise<SourceFile>;
  /** The URI of a user file the app may not read: it never had a grant, or its grant was revoked. */
  unreadableUserFile(why: 'denied' | 'revoked'): Promise<string>;
  /** File copies begun so far (a counter), and those running now. */
  copies(): { started: number; running: number };
  /** Holds every copy that begins from now on before its first byte, until the returned function is called. */
  holdCopies(): () => void;
}

/** What an engine does with a file of each form. */
export interface SourceProfile {
  /** It uploads a temporary copy (in cacheDir) rather than the file where it is. */
  copies(form: SourceForm): boolean;
}

export interface SourceCase {
  name: string;
  run(target: SourceTarget): Promise<void>;
}

const SIZE = 256 * 1024 + 3;

/** Every resource count back at zero (copies in cacheDir, open descriptors, tasks, sockets), within 3 s. */
async function expectNothingLeftOf(t: SourceTarget): Promise<void> {
  const leaks = await expectNothingLeft(t);
  expect(leaks.cacheCopies, 'cacheCopies').toBe(0);
  expect(leaks.openFiles, 'openFiles').toBe(0);
}

function formCases(form: SourceForm, profile: SourceProfile): SourceCase[] {
  const copied = profile.copies(form);
  const cases: SourceCase[] = [
    {
      name: `${form}: the server receives the file intact under its default name, ${copied ? 'from a copy that is then deleted' : 'with no copy'}`,
      async run(t) {
        const file = await t.sourceFile(form, SIZE, 'IMG_0001.jpg');
        const id = uniqueId('source');
        const before = t.copies().started;
        const r = await t.run({ options: { url: urlFor(t.server, { id }), filePath: file.filePath, name: 'photo' } });
        expectSuccess(r);
        const rec = await t.server.waitFor((x) => x.id === id && x.responded);
        expect(rec.summary?.files).toEqual([
          { field: 'photo', filename: file.fileName, contentType: 'image/jpeg', size: file.size, sha256: file.sha256 },
        ]);
        expect(t.copies().started - before).toBe(copied ? 1 : 0);
        await expectNothingLeftOf(t);
      },
    },
    {
      name: `${form}: a failed upload (the server closes the connection) leaves nothing behind`,
      async run(t) {
        const file = await t.sourceFile(form, SIZE, 'closed.jpg');
        const r = await t.run({
          options: { url: urlFor(t.server, { closeEarly: 1 }), filePath: file.filePath, name: 'file', timeout: 15000 },
        });
        expectFailure(r, NETWORK_FAILURE);
        await expectNothingLeftOf(t);
      },
    },
    {
      name: `${form}: abort while uploading: uploadFile:fail abort, the server sees the connection end, nothing left`,
      async run(t) {
        const file = await t.sourceFile(form, SIZE, 'aborted.jpg');
        const id = uniqueId('source-abort');
        // Where the platform sends the body on after abort() (@ohos.net.http), its own time limit, set just
        // above the task's timeout, is what ends the connection to a server that stopped reading.
        const lingers = t.abortEndsTransfer === false;
        const timeout = lingers ? 1000 : undefined;
        const r = await t.run({
          options: { url: urlFor(t.server, { id, stallAfter: 0 }), filePath: file.filePath, name: 'file', timeout },
          // Late enough for the request to have reached the server, a copy and the bridge's hops first included,
          // on a busy machine too (no progress event tells it: the server reads none of the body).
          abort: { afterMs: 500 },
        });
        expectFailure(r, 'uploadFile:fail abort');
        const rec = await t.server.waitFor((x) => x.id === id && x.closedAt !== undefined, lingers ? 8000 : 5000);
        expect(rec.clientAborted).toBe(true);
        expect(rec.bodyComplete).toBe(false);
        await expectNothingLeftOf(t);
      },
    },
    {
      name: `${form}: timeout: uploadFile:fail timeout, nothing left`,
      async run(t) {
        const file = await t.sourceFile(form, SIZE, 'stalled.jpg');
        const r = await t.run({
          options: {
            url: urlFor(t.server, { id: uniqueId('source-timeout'), stallAfter: 0 }),
            filePath: file.filePath,
            name: 'file',
            timeout: 500,
          },
        });
        expectFailure(r, 'uploadFile:fail timeout');
        await expectNothingLeftOf(t);
      },
    },
  ];
  if (copied) {
    cases.push({
      name: `${form}: abort while the file is being copied: uploadFile:fail abort at once, nothing sent, the copy deleted when it ends`,
      async run(t) {
        const file = await t.sourceFile(form, SIZE, 'copying.jpg');
        const id = uniqueId('source-copying');
        const before = t.copies().started;
        const release = t.holdCopies();
        try {
          const r = await t.run({
            options: { url: urlFor(t.server, { id }), filePath: file.filePath, name: 'file' },
            abort: { afterMs: 300 },
          });
          expectFailure(r, 'uploadFile:fail abort');
          // The outcome did not wait for the copy, which is still held.
          expect(t.copies()).toEqual({ started: before + 1, running: 1 });
        } finally {
          release();
        }
        await expectNothingLeftOf(t);
        await expectNeverReached(t.server, id);
      },
    });
  }
  return cases;
}

/** The cases for one engine (or the bridge over one), given what it copies. */
export function sourceCases(profile: SourceProfile): SourceCase[] {
  const userFileErrors: SourceCase[] = [
    ...(['denied', 'revoked'] as const).map(
      (why): SourceCase => ({
        name: `file://media/: a user file the app may not read (${why === 'denied' ? 'no grant' : 'a revoked grant'}): cannot read file, nothing sent`,
        async run(t) {
          const uri = await t.unreadableUserFile(why);
          const id = uniqueId('source-denied');
          const r = await t.run({ options: { url: urlFor(t.server, { id }), filePath: uri, name: 'file' } });
          expectFailure(r, `uploadFile:fail cannot read file: ${uri} (13900012 Permission denied)`);
          await expectNeverReached(t.server, id);
          await expectNothingLeftOf(t);
        },
      }),
    ),
    {
      name: 'file://media/: a URI the media library does not have: file not found, nothing sent',
      async run(t) {
        const uri = 'file://media/Photo/987654/IMG_1700987654_654/gone.jpg';
        const id = uniqueId('source-missing');
        const r = await t.run({ options: { url: urlFor(t.server, { id }), filePath: uri, name: 'file' } });
        expectFailure(r, `uploadFile:fail file not found: ${uri}`);
        await expectNeverReached(t.server, id);
      },
    },
  ];
  return [...SOURCE_FORMS.flatMap((form) => formCases(form, profile)), ...userFileErrors];
}
