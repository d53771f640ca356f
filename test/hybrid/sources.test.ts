/**
 * What a web page can pass as filePath, in Chromium: a File, a Blob, a blob: URL, a data: URL; and the
 * errMsg of everything else. The bytes that reach the server are checked by their sha256.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { uniqueId, urlFor } from '../contract/cases';
import type { ReceivedFile } from '../../server/types';
import { sha256 } from './harness';
import type { UrlRevoker } from './page-api';
import { expectFailure, expectSuccess, kinds } from '../contract/recording';
import { usePageTarget } from './target';

const NO_BRIDGE =
  'uploadFile:fail no native bridge: a native file path can only be uploaded in an ArkWeb WebView whose controller has ' +
  'attachUploadBridge(); in a browser, pass a Blob, a File, or a blob: URL';

describe('page path: file sources', () => {
  const suite = usePageTarget();

  /** Uploads filePath; resolves with the file part as the server received it. */
  async function uploadAndGetFile(filePath: string, extra: { fileName?: string } = {}): Promise<ReceivedFile> {
    const id = uniqueId('source');
    const r = await suite.harness.run({
      options: { url: urlFor(suite.server, { id }), filePath, name: 'file', ...extra },
    });
    expectSuccess(r);
    const rec = await suite.server.waitFor((x) => x.id === id && x.responded);
    const files = rec.summary?.files ?? [];
    expect(files).toHaveLength(1);
    return files[0];
  }

  it("a File: its bytes arrive under its own name, typed from that name (not from the File's type)", async () => {
    const file = await suite.harness.addFile(300 * 1024 + 5, { fileName: 'report.pdf', type: 'text/plain' });
    expect(await uploadAndGetFile(file.filePath)).toEqual({
      field: 'file',
      filename: 'report.pdf',
      contentType: 'application/pdf',
      size: file.size,
      sha256: file.sha256,
    });
  });

  it('a Blob: named "blob" by default; fileName sets the name and the part\'s type', async () => {
    const blob = await suite.harness.addFile(64 * 1024, { type: 'text/plain' });
    expect(await uploadAndGetFile(blob.filePath)).toEqual({
      field: 'file',
      filename: 'blob',
      contentType: 'application/octet-stream',
      size: blob.size,
      sha256: blob.sha256,
    });
    expect(await uploadAndGetFile(blob.filePath, { fileName: 'picture.png' })).toMatchObject({
      filename: 'picture.png',
      contentType: 'image/png',
      sha256: blob.sha256,
    });
  });

  // blob-urls.test.ts: which blob: URLs are sent as their Blob, which are read back first.
  it('a blob: URL: its bytes arrive intact', async () => {
    const blob = await suite.harness.addFile(2 * 1024 * 1024 + 3);
    const url = await suite.harness.blobUrl(blob.key);
    expect(url).toMatch(/^blob:http:\/\/127\.0\.0\.1:\d+\//);
    expect(await uploadAndGetFile(url, { fileName: 'clip.mp4' })).toEqual({
      field: 'file',
      filename: 'clip.mp4',
      contentType: 'video/mp4',
      size: blob.size,
      sha256: blob.sha256,
    });
  });

  it('a data: URL in base64: its bytes arrive intact', async () => {
    const bytes = randomBytes(100 * 1024 + 1);
    const url = `data:application/octet-stream;base64,${bytes.toString('base64')}`;
    expect(await uploadAndGetFile(url)).toEqual({
      field: 'file',
      filename: 'blob',
      contentType: 'application/octet-stream',
      size: bytes.length,
      sha256: sha256(bytes),
    });
  });

  it('a data: URL of percent-encoded text: the decoded bytes arrive', async () => {
    const text = 'héllo, wörld';
    const received = await uploadAndGetFile(`data:text/plain;charset=utf-8,${encodeURIComponent(text)}`, {
      fileName: 'note.txt',
    });
    expect(received).toMatchObject({
      filename: 'note.txt',
      contentType: 'text/plain',
      size: Buffer.byteLength(text),
      sha256: sha256(text),
    });
  });

  it.each<UrlRevoker>(['page', 'before-library'])(
    'a blob: URL revoked by the %s URL.revokeObjectURL fails with "file not found: <URL>", and nothing is sent',
    async (revoker) => {
      // Its Blob is still held: revoked with the function from before the library loaded, the library's
      // record of the page's blob: URLs still has it, and only loading the URL shows that it is gone.
      const url = await suite.harness.revokedBlobUrl(revoker);
      const id = uniqueId('revoked');
      const r = await suite.harness.run({
        options: { url: urlFor(suite.server, { id }), filePath: url, name: 'file' },
      });
      expectFailure(r, `uploadFile:fail file not found: ${url}`);
      expect(kinds(r).filter((k) => k === 'progress' || k === 'headers')).toEqual([]);
      expect(suite.server.byId(id)).toEqual([]);
    },
  );

  it('a malformed data: URL fails with the reason', async () => {
    const cases = [
      { url: 'data:text/plain;base64', reason: 'it has no comma between the media type and the data' },
      { url: 'data:;base64,@@@not base64@@@', reason: 'its data is not valid base64' },
    ];
    for (const c of cases) {
      const r = await suite.harness.run({ options: { url: urlFor(suite.server), filePath: c.url, name: 'file' } });
      expectFailure(r, `uploadFile:fail invalid data: URL "${c.url}": ${c.reason}`);
    }
    // A long one is shortened in the message.
    const long = `data:;base64,${'A'.repeat(200)}!`;
    const r = await suite.harness.run({ options: { url: urlFor(suite.server), filePath: long, name: 'file' } });
    expectFailure(r, `uploadFile:fail invalid data: URL "${long.slice(0, 77)}...": its data is not valid base64`);
  });

  it('abort while a blob: or data: URL is still being read: abort wins and no request is ever sent', async () => {
    const blob = await suite.harness.addFile(16 * 1024 * 1024);
    const sources = [
      // Made by the page: loaded only to see that it still resolves.
      await suite.harness.blobUrl(blob.key),
      // Made before the library loaded: read back whole.
      await suite.harness.blobUrl(blob.key, 'before-library'),
      `data:;base64,${randomBytes(4 * 1024 * 1024).toString('base64')}`,
    ];
    for (const filePath of sources) {
      const before = await suite.harness.xhrCounts();
      const id = uniqueId('abort-reading');
      const r = await suite.harness.run({
        options: { url: urlFor(suite.server, { id }), filePath, name: 'file' },
        abort: 'sync',
        settleMs: 300,
      });
      expectFailure(r, 'uploadFile:fail abort');
      expect((await suite.harness.xhrCounts()).sent).toBe(before.sent);
      expect(suite.server.byId(id)).toEqual([]);
    }
  });

  it('without a bridge, a native path fails with the no-bridge errMsg, and nothing is sent', async () => {
    expect(await suite.harness.hasBridge()).toBe(false);
    const paths = [
      '/data/storage/el2/base/x.bin',
      'internal://cache/x',
      'internal://temp/1700000000000_a.jpg',
      'file://com.example.app/data/storage/el2/base/files/x.bin',
      'file://media/Photo/1/IMG_1700000001_001/a.jpg',
    ];
    for (const filePath of paths) {
      const id = uniqueId('native');
      const r = await suite.harness.run({
        options: { url: urlFor(suite.server, { id }), filePath, name: 'file' },
        settleMs: 0,
      });
      expectFailure(r, NO_BRIDGE);
      expect(suite.server.byId(id)).toEqual([]);
    }
  });

  it('anything else fails with an errMsg that says what is accepted', async () => {
    const accepted =
      'use a Blob or File, a blob: or data: URL, or a native path (internal://cache|files|temp/..., file://..., /data/storage/...)';
    for (const filePath of ['C:\\x', 'photos/a.jpg', 'https://example.com/a.jpg']) {
      const r = await suite.harness.run({
        options: { url: urlFor(suite.server), filePath, name: 'file' },
        settleMs: 0,
      });
      expectFailure(r, `uploadFile:fail invalid filePath "${filePath}": ${accepted}`);
    }
    const r = await suite.harness.run({
      options: { url: urlFor(suite.server), filePath: 'x', name: 'file' },
      bad: 'filePathNumber',
      settleMs: 0,
    });
    expectFailure(r, 'uploadFile:fail parameter error: parameter.filePath should be String or Blob instead of Number');
  });
});
