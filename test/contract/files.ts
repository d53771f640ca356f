/**
 * Several files in one upload (`files`), written once and run by every target that sends them: the ArkTS
 * target on @ohos.net.http (and 'auto', which chooses it), the page path with web data, the bridge with
 * native paths. What a user would notice: one request whose parts are the files in order, each with its
 * bytes (sha256 at the server), repeated field names all sent; progress over the files together, to 100,
 * never decreasing; abort midway; a bad entry that fails the upload naming its index; both forms at once.
 */
import { expect } from 'vitest';
import type { UploadServer } from '../../server/types';
import type { UploadFileEntry } from '../../src/core/types';
import { type ContractTarget, expectNeverReached, expectNothingLeft, type TargetFile, uniqueId, urlFor } from './cases';
import type { Recording } from './driver';
import { expectFailure, expectSuccess, progressOf } from './recording';

export interface FilesCase {
  name: string;
  run(target: ContractTarget): Promise<void>;
}

/**
 * The one request the server got for this id; a second request (one per file) fails here. Called once the
 * upload has succeeded: by then every request of it has had its answer, so nothing is waited for.
 */
async function onlyRequest(server: UploadServer, id: string) {
  const record = await server.waitFor((x) => x.id === id && x.responded);
  expect(server.byId(id), 'requests for one upload').toHaveLength(1);
  return record;
}

/** Progress over the files together: each event of the sum, rising, 100 last and only last, with sent = sum. */
function expectProgressOverSum(r: Recording, sizes: number[]): void {
  const total = sizes.reduce((a, b) => a + b, 0);
  const p = progressOf(r);
  expect(p.length).toBeGreaterThan(1);
  for (let i = 0; i < p.length; i++) {
    expect(p[i].expected).toBe(total);
    expect(p[i].sent).toBeLessThanOrEqual(total);
    if (i > 0) {
      expect(p[i].progress).toBeGreaterThan(p[i - 1].progress);
      expect(p[i].sent).toBeGreaterThan(p[i - 1].sent);
    }
  }
  expect(p[p.length - 1]).toMatchObject({ progress: 100, sent: total, expected: total });
  expect(p.slice(0, -1).every((e) => e.progress < 100)).toBe(true);
  // An event while a file after the first was being sent: the count runs on across the files.
  expect(p.some((e) => e.sent > sizes[0] && e.sent < total)).toBe(true);
}

/** `files` entries for these files, with the names and file names given. */
function entries(files: TargetFile[], names: string[], fileNames: string[]) {
  return files.map((f, i) => ({ name: names[i], filePath: f.filePath, fileName: fileNames[i] }));
}

export const filesCases: FilesCase[] = [
  {
    name: 'three files in one request: each part in order with its bytes (sha256), repeated names all sent, the fields first',
    async run(t) {
      const files = [
        await t.file(100 * 1024 + 1, 'a.jpg'),
        await t.file(200 * 1024 + 3, 'b.png'),
        await t.file(5, 'c.txt'),
      ];
      const id = uniqueId('files');
      const r = await t.run({
        options: {
          url: urlFor(t.server, { id }),
          files: entries(files, ['photos', 'photos', 'doc'], ['a.jpg', 'b.png', 'c.txt']),
          formData: { album: 'holidays' },
        },
      });
      const res = expectSuccess(r);
      expect(res.statusCode).toBe(200);
      const rec = await onlyRequest(t.server, id);
      expect(rec.summary?.fields).toEqual({ album: 'holidays' });
      expect(rec.summary?.files).toEqual([
        { field: 'photos', filename: 'a.jpg', contentType: 'image/jpeg', size: files[0].size, sha256: files[0].sha256 },
        { field: 'photos', filename: 'b.png', contentType: 'image/png', size: files[1].size, sha256: files[1].sha256 },
        { field: 'doc', filename: 'c.txt', contentType: 'text/plain', size: files[2].size, sha256: files[2].sha256 },
      ]);
      // The final progress event counts every file.
      const total = files.reduce((n, f) => n + f.size, 0);
      expect(progressOf(r).at(-1)).toMatchObject({ progress: 100, sent: total, expected: total });
      await expectNothingLeft(t);
    },
  },
  {
    name: 'the same file twice, under one name: both parts arrive',
    async run(t) {
      const file = await t.file(64 * 1024 + 9, 'twice.bin');
      const id = uniqueId('files-twice');
      const r = await t.run({
        options: {
          url: urlFor(t.server, { id }),
          files: entries([file, file], ['file', 'file'], ['one.bin', 'two.bin']),
        },
      });
      expectSuccess(r);
      const rec = await onlyRequest(t.server, id);
      expect(rec.summary?.files.map((f) => [f.field, f.filename, f.sha256])).toEqual([
        ['file', 'one.bin', file.sha256],
        ['file', 'two.bin', file.sha256],
      ]);
    },
  },
  {
    name: 'one entry in files: an upload of one file',
    async run(t) {
      const file = await t.file(10 * 1024 + 5, 'one.jpg');
      const id = uniqueId('files-one');
      const r = await t.run({
        options: { url: urlFor(t.server, { id }), files: entries([file], ['photo'], ['one.jpg']) },
      });
      expectSuccess(r);
      const rec = await onlyRequest(t.server, id);
      expect(rec.summary?.files).toEqual([
        { field: 'photo', filename: 'one.jpg', contentType: 'image/jpeg', size: file.size, sha256: file.sha256 },
      ]);
    },
  },
  {
    name: 'progress counts the files together: rising, to 100 over their sum, across the files',
    async run(t) {
      const size = 3 * 1024 * 1024;
      const files = [
        await t.file(size + 1, 'p1.bin'),
        await t.file(size + 2, 'p2.bin'),
        await t.file(size + 3, 'p3.bin'),
      ];
      const id = uniqueId('files-progress');
      const r = await t.run({
        options: {
          url: urlFor(t.server, { id, readBps: 6 * 1024 * 1024 }),
          files: entries(files, ['f', 'f', 'f'], ['p1.bin', 'p2.bin', 'p3.bin']),
          timeout: 30000,
        },
        hangMs: 30000,
      });
      expectSuccess(r);
      expectProgressOverSum(
        r,
        files.map((f) => f.size),
      );
      const rec = await onlyRequest(t.server, id);
      expect(rec.summary?.files.map((f) => f.sha256)).toEqual(files.map((f) => f.sha256));
    },
  },
  {
    name: 'abort midway: uploadFile:fail abort, progress stops short of 100, nothing left',
    async run(t) {
      const size = 3 * 1024 * 1024;
      const files = [await t.file(size, 'x1.bin'), await t.file(size, 'x2.bin'), await t.file(size, 'x3.bin')];
      const id = uniqueId('files-abort');
      // Where the platform sends the body on after abort() (@ohos.net.http), the task's timeout bounds it.
      const lingers = (t.abortEndsSeveralFiles ?? t.abortEndsTransfer) === false;
      const r = await t.run({
        options: {
          url: urlFor(t.server, { id, readBps: 3 * 1024 * 1024 }),
          files: entries(files, ['f', 'f', 'f'], ['x1.bin', 'x2.bin', 'x3.bin']),
          timeout: lingers ? 4000 : 30000,
        },
        abort: { atPercent: 50 },
        hangMs: 30000,
      });
      expectFailure(r, 'uploadFile:fail abort');
      const p = progressOf(r);
      expect(p.length).toBeGreaterThan(0);
      expect(p.every((e) => e.progress < 100 && e.expected === 3 * size)).toBe(true);
      if (!lingers) {
        const rec = await t.server.waitFor((x) => x.id === id && x.closedAt !== undefined, 5000);
        expect(rec).toMatchObject({ clientAborted: true, bodyComplete: false, responded: false });
      }
      await expectNothingLeft(t, lingers ? 8000 : 3000);
    },
  },
  {
    name: 'a file that is not there fails the upload, naming its index; nothing is sent',
    async run(t) {
      const good = await t.file(1024, 'good.jpg');
      const missing = t.missingFile();
      const id = uniqueId('files-missing');
      const r = await t.run({
        options: {
          url: urlFor(t.server, { id }),
          files: [
            { name: 'a', filePath: good.filePath },
            { name: 'b', filePath: missing.filePath },
            { name: 'c', filePath: good.filePath },
          ],
        },
      });
      expectFailure(r, missing.errMsg.replace('uploadFile:fail ', 'uploadFile:fail files[1]: '));
      await expectNeverReached(t.server, id);
      await expectNothingLeft(t);
    },
  },
  {
    name: 'an entry of the wrong type fails the upload with a parameter error naming its index',
    async run(t) {
      const good = await t.file(1024, 'good.jpg');
      const id = uniqueId('files-bad');
      const r = await t.run({
        options: {
          url: urlFor(t.server, { id }),
          files: [
            { name: 'a', filePath: good.filePath },
            { name: 'b', filePath: good.filePath },
            { name: 'c', filePath: 7 },
          ],
        },
      });
      expectFailure(
        r,
        `uploadFile:fail parameter error: parameter.files[2].filePath should be ${t.filePathTypes ?? 'String'} instead of Number`,
      );
      const noName = await t.run({
        // An entry without its name, as a caller without types could pass it.
        options: { url: urlFor(t.server, { id }), files: [{ filePath: good.filePath } as UploadFileEntry<unknown>] },
      });
      expectFailure(
        noName,
        'uploadFile:fail parameter error: parameter.files[0].name should be String instead of Undefined',
      );
      await expectNeverReached(t.server, id);
    },
  },
  {
    name: 'files with filePath and name (both forms at once) is a parameter error; nothing is sent',
    async run(t) {
      const good = await t.file(1024, 'good.jpg');
      const id = uniqueId('files-both');
      const r = await t.run({
        options: {
          url: urlFor(t.server, { id }),
          filePath: good.filePath,
          name: 'file',
          files: [{ name: 'a', filePath: good.filePath }],
        },
      });
      expectFailure(
        r,
        'uploadFile:fail parameter error: parameter.files and parameter.filePath cannot both be given: files lists every file with its name, filePath and name are the form for one file',
      );
      await expectNeverReached(t.server, id);
    },
  },
];
