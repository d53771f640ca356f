/**
 * Several files in one upload on the ArkTS target. @ohos.net.http sends them in one request, and 'auto'
 * chooses it for them: both run the shared cases. request.agent and request.uploadFile would send a request
 * per file: with several files they refuse, and nothing reaches the server; with one entry they send it.
 */
import { describe, expect, it } from 'vitest';
import type { ArkTsBackend } from '../../src/arkts/types';
import { expectNeverReached, expectNothingLeft, uniqueId, urlFor } from '../contract/cases';
import { filesCases } from '../contract/files';
import { expectFailure, expectSuccess } from '../contract/recording';
import { useArktsTarget } from './target';

describe.each(['http', 'auto'] as const)('files on %s: one request', (backend) => {
  const suite = useArktsTarget({ backend });
  for (const c of filesCases) it(c.name, () => c.run(suite.target));

  it('without fileName each part is named after its file, sent where it is (no copy)', async () => {
    const t = suite.target;
    const a = await t.file(3000, 'first.jpg');
    const b = await t.file(4000, 'second.png');
    const id = uniqueId('files-names');
    const before = t.copies().started;
    const r = await t.run({
      options: {
        url: urlFor(t.server, { id }),
        files: [
          { name: 'a', filePath: a.filePath },
          { name: 'b', filePath: b.filePath },
        ],
      },
    });
    expectSuccess(r);
    const rec = await t.server.waitFor((x) => x.id === id && x.responded);
    const last = (p: unknown): string => String(p).slice(String(p).lastIndexOf('/') + 1);
    expect(rec.summary?.files.map((f) => [f.field, f.filename, f.sha256])).toEqual([
      ['a', last(a.filePath), a.sha256],
      ['b', last(b.filePath), b.sha256],
    ]);
    expect(t.copies().started).toBe(before);
  });

  it('a picked photo (file://media/) and a sandbox file in one request: the photo from a copy, deleted after', async () => {
    const t = suite.target;
    const photo = await t.sourceFile('file://media/', 50_000, 'IMG_0002.jpg');
    const doc = await t.sourceFile('internal://files/', 7000, 'notes.txt');
    const id = uniqueId('files-picked');
    const r = await t.run({
      options: {
        url: urlFor(t.server, { id }),
        files: [
          { name: 'photo', filePath: photo.filePath },
          { name: 'doc', filePath: doc.filePath },
        ],
      },
    });
    expectSuccess(r);
    const rec = await t.server.waitFor((x) => x.id === id && x.responded);
    expect(rec.summary?.files).toEqual([
      { field: 'photo', filename: 'IMG_0002.jpg', contentType: 'image/jpeg', size: photo.size, sha256: photo.sha256 },
      { field: 'doc', filename: doc.fileName, contentType: 'text/plain', size: doc.size, sha256: doc.sha256 },
    ]);
    await expectNothingLeft(t);
  });

  it('a path the platform cannot take fails the upload, naming its index, and nothing is sent', async () => {
    const t = suite.target;
    const good = await t.file(1000, 'ok.bin');
    const id = uniqueId('files-invalid');
    const r = await t.run({
      options: {
        url: urlFor(t.server, { id }),
        files: [
          { name: 'a', filePath: good.filePath },
          { name: 'b', filePath: 'relative/b.jpg' },
        ],
      },
    });
    expectFailure(
      r,
      `uploadFile:fail files[1]: invalid filePath "relative/b.jpg": use a sandbox path such as context.filesDir + '/a.jpg', a file:// URI of the app or of the media library, or internal://cache/, internal://files/ or internal://temp/<file>`,
    );
    await expectNeverReached(t.server, id);
  });

  it('what @ohos.net.http cannot send fails several files (no engine sends them otherwise), naming the field', async () => {
    const t = suite.target;
    const a = await t.file(1000, 'a.bin');
    const id = uniqueId('files-empty-field');
    const files = [
      { name: 'a', filePath: a.filePath },
      { name: 'b', filePath: a.filePath },
    ];
    const empty = await t.run({ options: { url: urlFor(t.server, { id }), files, formData: { note: '' } } });
    expectFailure(
      empty,
      'uploadFile:fail parameter error: parameter.formData["note"] is empty, and @ohos.net.http cannot send an empty form field (it would drop it): send a value or leave the field out',
    );
    const slash = await t.run({
      options: { url: urlFor(t.server, { id }), files: [files[0], { ...files[1], fileName: 'dir/b.bin' }] },
    });
    expectFailure(
      slash,
      'uploadFile:fail parameter error: parameter.files[1].fileName "dir/b.bin" cannot be sent by @ohos.net.http, which names the file part after the file: it must be a file name (no "/", not "." or "..", at most 255 bytes)',
    );
    await expectNeverReached(t.server, id);
  });
});

describe.each([
  ['agent', 'request.agent'],
  ['uploadFile', 'request.uploadFile'],
] as const)('files on %s: a request per file, so several are refused', (backend: ArkTsBackend, engine) => {
  const suite = useArktsTarget({ backend });

  it('several files: a parameter error that says why, and nothing reaches the server', async () => {
    const t = suite.target;
    const a = await t.file(1000, 'a.jpg');
    const b = await t.file(2000, 'b.jpg');
    const id = uniqueId('files-refused');
    const r = await t.run({
      options: {
        url: urlFor(t.server, { id }),
        files: [
          { name: 'a', filePath: a.filePath },
          { name: 'b', filePath: b.filePath },
        ],
      },
    });
    expectFailure(
      r,
      `uploadFile:fail parameter error: parameter.files lists 2 files, which ${engine} would send in a request each: configure({ backend: 'http' }) or 'auto' sends them in one request`,
    );
    await expectNeverReached(t.server, id);
    await expectNothingLeft(t);
  });

  it('one entry in files: sent as the one file', async () => {
    const t = suite.target;
    const a = await t.file(5000, 'one.jpg');
    const id = uniqueId('files-one-entry');
    const r = await t.run({
      options: { url: urlFor(t.server, { id }), files: [{ name: 'photo', filePath: a.filePath, fileName: 'one.jpg' }] },
    });
    expectSuccess(r);
    const rec = await t.server.waitFor((x) => x.id === id && x.responded);
    expect(rec.summary?.files).toEqual([
      { field: 'photo', filename: 'one.jpg', contentType: 'image/jpeg', size: a.size, sha256: a.sha256 },
    ]);
  });

  it('one missing entry: the failure names files[0]', async () => {
    const t = suite.target;
    const missing = t.missingFile();
    const r = await t.run({
      options: { url: urlFor(t.server), files: [{ name: 'photo', filePath: missing.filePath }] },
    });
    expectFailure(r, missing.errMsg.replace('uploadFile:fail ', 'uploadFile:fail files[0]: '));
  });
});
