/**
 * Several files in one upload from the page itself: the shared cases with Files kept in the page, and
 * what only the page path has: web data of every kind in one FormData (a File, a Blob, a blob: URL, a
 * data: URL), a blob: URL that cannot be read named by its index, and web data and native paths in one
 * call, which no single request can carry.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { expectNeverReached, expectNothingLeft, uniqueId, urlFor } from '../contract/cases';
import { filesCases } from '../contract/files';
import { expectFailure, expectSuccess } from '../contract/recording';
import { sha256 } from './harness';
import { usePageTarget } from './target';

describe('page path: files', () => {
  const suite = usePageTarget();
  for (const c of filesCases) it(c.name, () => c.run(suite.target));

  it('a File, a Blob, a blob: URL and a data: URL in one request, each part with its bytes and name', async () => {
    const { harness, server } = suite;
    const file = await harness.addFile(70 * 1024 + 1, { fileName: 'photo.jpg' });
    const blob = await harness.addFile(30 * 1024 + 2);
    const behindUrl = await harness.addFile(50 * 1024 + 3);
    const url = await harness.blobUrl(behindUrl.key);
    const text = randomBytes(300);
    const dataUrl = `data:application/octet-stream;base64,${text.toString('base64')}`;
    const id = uniqueId('page-files');
    const r = await harness.run({
      options: {
        url: urlFor(server, { id }),
        files: [
          { name: 'photos', filePath: file.filePath },
          { name: 'photos', filePath: blob.filePath, fileName: 'blob.png' },
          { name: 'video', filePath: url, fileName: 'clip.mp4' },
          { name: 'note', filePath: dataUrl },
        ],
      },
    });
    expectSuccess(r);
    const rec = await server.waitFor((x) => x.id === id && x.responded);
    expect(server.byId(id)).toHaveLength(1);
    expect(rec.summary?.files).toEqual([
      { field: 'photos', filename: 'photo.jpg', contentType: 'image/jpeg', size: file.size, sha256: file.sha256 },
      { field: 'photos', filename: 'blob.png', contentType: 'image/png', size: blob.size, sha256: blob.sha256 },
      {
        field: 'video',
        filename: 'clip.mp4',
        contentType: 'video/mp4',
        size: behindUrl.size,
        sha256: behindUrl.sha256,
      },
      { field: 'note', filename: 'blob', contentType: 'application/octet-stream', size: 300, sha256: sha256(text) },
    ]);
    await expectNothingLeft(suite.target);
  });

  it('a data: URL that cannot be read fails the upload, naming its index; nothing is sent', async () => {
    const { harness, server } = suite;
    const file = await harness.addFile(1000, { fileName: 'a.jpg' });
    const id = uniqueId('page-files-bad-data');
    const r = await harness.run({
      options: {
        url: urlFor(server, { id }),
        files: [
          { name: 'a', filePath: file.filePath },
          { name: 'b', filePath: 'data:text/plain;base64' },
        ],
      },
    });
    expectFailure(
      r,
      'uploadFile:fail files[1]: invalid data: URL "data:text/plain;base64": it has no comma between the media type and the data',
    );
    await expectNeverReached(server, id);
  });

  it('web data and a native path in one call: a parameter error naming the entry, nothing sent', async () => {
    const { harness, server } = suite;
    const file = await harness.addFile(1000, { fileName: 'a.jpg' });
    const id = uniqueId('page-files-mixed');
    const r = await harness.run({
      options: {
        url: urlFor(server, { id }),
        files: [
          { name: 'a', filePath: file.filePath },
          { name: 'b', filePath: file.filePath },
          { name: 'c', filePath: 'internal://temp/123_b.jpg' },
        ],
      },
    });
    expectFailure(
      r,
      'uploadFile:fail parameter error: parameter.files[2].filePath is a native path, which the native side sends, and parameter.files[0].filePath web data (a Blob, a File, a blob: or data: URL), which the page sends: one upload sends either, not both',
    );
    await expectNeverReached(server, id);
  });

  it('native paths only, without a bridge: no native bridge, as for one path', async () => {
    const r = await suite.harness.run({
      options: {
        url: urlFor(suite.server),
        files: [
          { name: 'a', filePath: 'internal://temp/1_a.jpg' },
          { name: 'b', filePath: 'internal://temp/2_b.jpg' },
        ],
      },
    });
    expectFailure(r, /^uploadFile:fail no native bridge: /);
  });
});
