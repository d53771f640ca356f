/**
 * The bridge refuses what a page must not do: calls from an iframe get nothing (a disallowed origin and
 * what the host cannot check: fail-closed.test.ts); files outside the allowed directories,
 * through `..` or a symlink, are never opened; only http(s); malformed, oversized, wrong-version or
 * foreign messages are refused without touching other uploads; after a navigation or detach() nothing
 * reaches the page.
 */
import { symlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulatedDevice, stopEmulatedDevice } from '../arkts/device';
import { uniqueId, urlFor } from '../contract/cases';
import { BUNDLE_NAME } from '../../emulator/sandbox';
import type { UploadServer } from '../../server/types';
import { COPY_DIR } from '../../src/arkts/staging';
import { configure, uploadFile } from '../../src/arkts/upload';
import { expectFailure, expectSuccess, headersOf } from '../contract/recording';
import { captureReplies, postFromIframe, postRaw, replies, repliesWhen, startMessage, startOptions } from './messages';
import { bridgeDir, context, leaveRunning, nativeFile, runningUpload, sandbox, startBridgePage } from './target';
import type { BridgePage } from './target';

let server: UploadServer;
const secretPath = `${context.filesDir}/secret/secret.bin`;

beforeAll(async () => {
  server = await startEmulatedDevice();
  await sandbox.writeFile(secretPath, 'not for pages');
});
afterAll(() => stopEmulatedDevice(server));

describe('paths', () => {
  let side: BridgePage;
  beforeAll(async () => {
    side = await startBridgePage({ allowedPaths: [bridgeDir] });
  });
  afterAll(async () => side?.harness.close());

  const expectRefused = async (filePath: string, errMsg: string): Promise<void> => {
    const id = uniqueId('path');
    const r = await side.harness.run({ options: { url: urlFor(server, { id }), filePath, name: 'file' } });
    expect(server.byId(id)).toEqual([]);
    expectFailure(r, errMsg);
  };

  it('a path outside the allowed directories is refused, however it is written', async () => {
    for (const filePath of [
      secretPath,
      `${bridgeDir}/../../files/secret/secret.bin`,
      `${bridgeDir}/./../../files/secret/secret.bin`,
      `file://${BUNDLE_NAME}${bridgeDir}/%2e%2e/%2e%2e/files/secret/secret.bin`,
      `${bridgeDir}-evil/x.bin`,
      bridgeDir,
    ]) {
      await expectRefused(
        filePath,
        `uploadFile:fail refused by the native bridge: filePath "${filePath}" is outside the directories this app allows pages to upload from`,
      );
    }
  });

  it('a path the platform would not accept, or one that cannot be decoded, is refused', async () => {
    for (const filePath of [
      'internal://cache/../files/secret/secret.bin',
      `file://${BUNDLE_NAME}${bridgeDir}/%E0%A4%A.bin`,
    ]) {
      await expectRefused(
        filePath,
        `uploadFile:fail refused by the native bridge: filePath "${filePath}" is not a path the bridge accepts`,
      );
    }
  });

  it('a symlink inside an allowed directory is not followed, to a file or through a directory', async () => {
    const realBridge = sandbox.realPath(bridgeDir);
    const realSecretDir = sandbox.realPath(`${context.filesDir}/secret`);
    if (!realBridge || !realSecretDir) throw new Error('sandbox paths');
    await nativeFile(1, 'anchor.bin');
    symlinkSync(`${realSecretDir}/secret.bin`, `${realBridge}/link.bin`);
    symlinkSync(realSecretDir, `${realBridge}/linkdir`);
    for (const filePath of [`${bridgeDir}/link.bin`, `${bridgeDir}/linkdir/secret.bin`]) {
      await expectRefused(
        filePath,
        `uploadFile:fail refused by the native bridge: filePath "${filePath}" goes through a symbolic link, which the bridge does not follow`,
      );
    }
  });

  it("the library's temporary copies are refused, even where the whole cache directory is allowed", async () => {
    const wide = await startBridgePage({ allowedPaths: [context.cacheDir] });
    const secret = `${context.filesDir}/secret/big-secret.bin`;
    await sandbox.writeFile(secret, { size: 2 * 1024 * 1024, seed: 7 });
    // The app uploads one of its own files with request.uploadFile, which needs a copy in cacheDir.
    configure({ context, backend: 'uploadFile' });
    const appId = uniqueId('app-copy');
    const appTask = uploadFile({
      url: urlFor(server, { id: appId, readBps: 256 * 1024 }),
      filePath: secret,
      name: 'file',
    });
    appTask.catch(() => undefined);
    try {
      await server.waitFor((x) => x.id === appId && x.bytesReceived > 0, 5000);
      const copies = sandbox.list(`${context.cacheDir}/${COPY_DIR}`);
      expect(copies).toHaveLength(1);
      const copy = `${copies[0]}/${sandbox.list(`${context.cacheDir}/${COPY_DIR}/${copies[0]}`)[0]}`;
      for (const filePath of [
        `internal://cache/${COPY_DIR}/${copies[0]}`,
        `${context.cacheDir}/${COPY_DIR}/${copies[0]}`,
        // The folder's name as it reads once decoded and normalised.
        `file://${BUNDLE_NAME}${context.cacheDir}/harmony%2Dupload%2Dtask/${copy}`,
        `internal://cache/${COPY_DIR}/../${COPY_DIR}/./${copy}`,
      ]) {
        const id = uniqueId('steal');
        const r = await wide.harness.run({ options: { url: urlFor(server, { id }), filePath, name: 'file' } });
        expectFailure(
          r,
          `uploadFile:fail refused by the native bridge: filePath "${filePath}" is in a harmony-upload-task folder, where the library keeps its temporary copies: pages may not upload from it`,
        );
        expect(server.byId(id)).toEqual([]);
      }
    } finally {
      appTask.abort();
      configure({ context, backend: 'agent' });
      await wide.harness.close();
    }
  });

  it("ArkWeb's own data (the WebView's cookie database) is refused, even where the application's cacheDir is allowed", async () => {
    const appCache = '/data/storage/el2/base/cache';
    const wide = await startBridgePage({ allowedPaths: [appCache] });
    try {
      await sandbox.writeFile(`${appCache}/web/Cookies`, 'session cookies of every site');
      for (const filePath of [`${appCache}/web/Cookies`, `${appCache}/other/../web/Cookies`]) {
        const id = uniqueId('cookie-db');
        const r = await wide.harness.run({ options: { url: urlFor(server, { id }), filePath, name: 'file' } });
        expectFailure(
          r,
          `uploadFile:fail refused by the native bridge: filePath "${filePath}" is in ArkWeb's data folder (cookies, storage of the WebView): pages may not upload from it`,
        );
        expect(server.byId(id)).toEqual([]);
      }
      // Beside it, the application's cache is the app's to allow.
      const own = `${appCache}/web-exports/report.txt`;
      const sha256 = await sandbox.writeFile(own, 'an export the app allows');
      const id = uniqueId('app-cache');
      const r = await wide.harness.run({ options: { url: urlFor(server, { id }), filePath: own, name: 'file' } });
      expectSuccess(r);
      expect((await server.waitFor((x) => x.id === id && x.responded)).summary?.files[0]?.sha256).toBe(sha256);
    } finally {
      await wide.harness.close();
    }
  });

  it('a file inside an allowed directory uploads, in every path form', async () => {
    const file = await nativeFile(5000, 'inside.bin');
    const rel = file.filePath.slice(`${context.cacheDir}/`.length);
    for (const filePath of [file.filePath, `internal://cache/${rel}`, `file://${BUNDLE_NAME}${file.filePath}`]) {
      const r = await side.harness.run({ options: { url: urlFor(server), filePath, name: 'file' } });
      expect(r.outcome, filePath).toBe('success');
    }
  });
});

describe('messages', () => {
  let side: BridgePage;
  beforeAll(async () => {
    side = await startBridgePage();
    await captureReplies(side);
  });
  afterAll(async () => side?.harness.close());

  it('malformed, wrong-version, unknown and incomplete messages are refused; other uploads go on', async () => {
    const slow = await nativeFile(8 * 1024 * 1024, 'bystander.bin');
    const bystanderId = uniqueId('bystander');
    await postRaw(
      side,
      startMessage(
        'pageA',
        'keep1',
        startOptions(slow.filePath, urlFor(server, { id: bystanderId, readBps: 4 * 1024 * 1024 })),
      ),
    );
    const file = await nativeFile(100);
    const hostile = [
      'not json',
      '',
      '[]',
      'null',
      JSON.stringify({
        v: 2,
        page: 'pageA',
        type: 'start',
        id: 'x1',
        options: startOptions(file.filePath, urlFor(server)),
      }),
      JSON.stringify({ v: 1, page: 'pageA', type: 'launch', id: 'x2' }),
      JSON.stringify({ v: 1, page: 'pageA', type: 'start', id: 'x3' }),
      JSON.stringify({
        v: 1,
        page: 'pageA',
        type: 'start',
        id: 'x4',
        options: { ...startOptions(file.filePath, urlFor(server)), header: { a: 1 } },
      }),
      JSON.stringify({
        v: 1,
        page: 'pageA',
        type: 'start',
        id: '../x5',
        options: startOptions(file.filePath, urlFor(server)),
      }),
      JSON.stringify({
        v: 1,
        page: 'pageA',
        type: 'start',
        id: 'x6',
        options: startOptions(file.filePath, 'ftp://127.0.0.1/upload'),
      }),
      JSON.stringify({
        v: 1,
        page: 'pageA',
        type: 'start',
        id: 'x7',
        options: startOptions(file.filePath, 'javascript:alert(1)'),
      }),
      JSON.stringify({ v: 1, page: 'pageA', type: 'abort', id: 'nope' }),
      JSON.stringify({ v: 1, page: 'pageB', type: 'abort', id: 'keep1' }),
      'x'.repeat(2 * 1024 * 1024),
      JSON.stringify({
        v: 1,
        page: 'pageA',
        type: 'start',
        id: 'keep1',
        options: startOptions(file.filePath, urlFor(server)),
      }),
      JSON.stringify({ v: 1, page: 'pageA', type: 'start', id: 'keep1' }),
    ];
    for (const text of hostile) await postRaw(side, text);
    const refusalsOf = (got: Array<Record<string, unknown>>): unknown[][] =>
      got.filter((m) => m.type === 'refused').map((m) => [m.id, m.reason]);
    const refusals = refusalsOf(await repliesWhen(side, (got) => refusalsOf(got).length >= 9));
    const expected = [
      ['x1', 'unsupported bridge protocol version 2 (expected 1)'],
      ['x2', 'unknown bridge message type "launch"'],
      ['x3', 'bad start message: options should be an object'],
      ['x4', 'bad start message: options.header should be an object of strings'],
      [undefined, 'a bridge message needs a task id'],
      ['x6', 'only http and https URLs may be uploaded to'],
      ['x7', 'only http and https URLs may be uploaded to'],
      // Refusals that name a running upload are not addressed to it: they must not end it on the page.
      [undefined, 'task id keep1 is already in use'],
      [undefined, 'bad start message: options should be an object'],
    ];
    expect(refusals).toEqual(expected);
    // The bystander upload was not disturbed, neither by the abort naming it from another page.
    const rec = await server.waitFor((x) => x.id === bystanderId && x.responded, 20000);
    expect(rec.summary?.files[0].sha256).toBe(slow.sha256);
    const got = await repliesWhen(side, (all) => all.some((m) => m.id === 'keep1' && m.type === 'success'));
    expect(got.filter((m) => m.id === 'keep1' && m.type === 'success')).toHaveLength(1);
    // No refusal came later (the bystander's whole upload later).
    expect(refusalsOf(got)).toEqual(expected);
  }, 60000);

  it("a refused start that names another page leaves this page's running upload alone", async () => {
    const fresh = await startBridgePage();
    try {
      const file = await nativeFile(4 * 1024 * 1024, 'victim.bin');
      const upload = { filePath: file.filePath, readBps: 2 * 1024 * 1024, timeout: 30000, label: 'victim' };
      const { id, run: running } = await runningUpload(fresh, server, upload);
      await postRaw(fresh, startMessage('another-page', 'z1', startOptions(file.filePath, 'ftp://127.0.0.1/upload')));
      await postRaw(fresh, startMessage('another-page', 'z2', startOptions(secretPath, urlFor(server))));
      const r = await running;
      expectSuccess(r);
      expect(server.byId(id)[0]?.summary?.files[0].sha256).toBe(file.sha256);
    } finally {
      await fresh.harness.close();
    }
  }, 30000);

  it('options too large for the bridge fail on the page with a clear errMsg', async () => {
    const fresh = await startBridgePage();
    try {
      const file = await nativeFile(10);
      const r = await fresh.harness.run({
        options: {
          url: urlFor(server),
          filePath: file.filePath,
          name: 'file',
          formData: { big: 'x'.repeat(1024 * 1024) },
        },
      });
      expectFailure(
        r,
        /^uploadFile:fail the upload's options are too large for the native bridge \(\d+ characters, at most 1048576\)$/,
      );
    } finally {
      await fresh.harness.close();
    }
  });
});

describe('what a page is told', () => {
  it('no set-cookie: a cookie the upload server sets does not reach the page, as XMLHttpRequest keeps it from pages', async () => {
    const side = await startBridgePage();
    try {
      const file = await nativeFile(1000);
      const id = uniqueId('cookie');
      const r = await side.harness.run({
        options: {
          url: urlFor(server, { id, 'header.Set-Cookie': 'sid=secret; HttpOnly', 'header.X-Kept': 'yes' }),
          filePath: file.filePath,
          name: 'file',
        },
      });
      const success = expectSuccess(r);
      const [headers] = headersOf(r);
      expect(success.header['x-kept']).toBe('yes');
      expect(success.header).not.toHaveProperty('set-cookie');
      expect(headers.header).not.toHaveProperty('set-cookie');
      // The server did send it: an ArkTS upload of the same file sees it.
      configure({ context, backend: 'agent' });
      const native = await uploadFile({
        url: urlFor(server, { 'header.Set-Cookie': 'sid=secret; HttpOnly' }),
        filePath: file.filePath,
        name: 'file',
      });
      expect(native.header['set-cookie']).toBe('sid=secret; HttpOnly');
    } finally {
      await side.harness.close();
    }
  });
});

describe('queues', () => {
  it("pages' uploads run in a queue of their own: a page cannot hold the app's own uploads back", async () => {
    const side = await startBridgePage();
    configure({ context, backend: 'agent', maxConcurrent: 1 });
    try {
      const file = await nativeFile(8 * 1024 * 1024);
      const upload = { filePath: file.filePath, readBps: 2 * 1024 * 1024, label: 'page-slow' };
      const { id: pageId, run: page } = await runningUpload(side, server, upload);
      const appId = uniqueId('app-own');
      const own = await uploadFile({ url: urlFor(server, { id: appId }), filePath: file.filePath, name: 'file' });
      expect(own.statusCode).toBe(200);
      // The app's upload was done while the page's was still on the wire.
      expect(server.byId(pageId)[0]?.responded).toBe(false);
      expect(side.bridge.stats()).toMatchObject({ live: 1, running: 1 });
      expectSuccess(await page);
    } finally {
      configure({ maxConcurrent: 10 });
      await side.harness.close();
    }
  });
});

describe('frames and navigation', () => {
  it('a call from an iframe, even of an allowed origin, gets nothing', async () => {
    const side = await startBridgePage();
    try {
      await captureReplies(side);
      const file = await nativeFile(100);
      const id = uniqueId('iframe');
      const message = JSON.stringify({
        v: 1,
        page: 'frame',
        type: 'start',
        id: 'f1',
        options: {
          url: urlFor(server, { id }),
          filePath: file.filePath,
          name: 'file',
          header: {},
          formData: [],
          fileName: 'f',
          timeout: 5000,
          retry: { count: 0, backoff: 0 },
        },
      });
      await postFromIframe(side, message);
      await new Promise((r) => setTimeout(r, 500));
      expect(server.byId(id)).toEqual([]);
      expect(await replies(side, 0)).toEqual([]);
    } finally {
      await side.harness.close();
    }
  });

  it('a page that changes its fragment as it calls (a hash router) is answered: its upload arrives', async () => {
    const side = await startBridgePage();
    try {
      await captureReplies(side);
      const file = await nativeFile(1000);
      const id = uniqueId('hash-route');
      const text = startMessage('hashpage', 't1', startOptions(file.filePath, urlFor(server, { id })));
      await side.harness.page.evaluate((t) => {
        (window as unknown as { __harmonyUploadNative: { post(m: string): void } }).__harmonyUploadNative.post(t);
        location.hash = '#/next-page';
      }, text);
      const rec = await server.waitFor((x) => x.id === id && x.responded, 5000);
      expect(rec.summary?.files[0]?.sha256).toBe(file.sha256);
      await expect.poll(async () => (await replies(side, 0)).map((m) => m.type)).toContain('success');
    } finally {
      await side.harness.close();
    }
  });

  it('after navigating to a disallowed origin, the old uploads are aborted and nothing is delivered', async () => {
    const side = await startBridgePage();
    try {
      const file = await nativeFile(16 * 1024 * 1024, 'away.bin');
      const id = uniqueId('away');
      await leaveRunning(side, server, id, file.filePath, 1024 * 1024);
      const before = side.webview.scripts.length;
      await side.harness.page.goto('data:text/html,<p>elsewhere</p>');
      const rec = await server.waitFor((x) => x.id === id && x.closedAt !== undefined, 10000);
      expect(rec.bodyComplete).toBe(false);
      await new Promise((r) => setTimeout(r, 300));
      expect(side.webview.scripts.length - before).toBeLessThanOrEqual(1);
      expect(side.bridge.activeUploads).toBe(0);
    } finally {
      await side.harness.close();
    }
  });

  it('detach(): running uploads are aborted and later calls get nothing', async () => {
    const side = await startBridgePage();
    try {
      const file = await nativeFile(16 * 1024 * 1024, 'detach.bin');
      const upload = { filePath: file.filePath, readBps: 1024 * 1024, timeout: 20000, label: 'detach' };
      const { id, run: running } = await runningUpload(side, server, upload);
      side.bridge.detach();
      const rec = await server.waitFor((x) => x.id === id && x.closedAt !== undefined, 10000);
      expect(rec.bodyComplete).toBe(false);
      // The page, still there, is told: its task ends with abort, not with its own timeout later.
      expectFailure(await running, 'uploadFile:fail abort');
      const later = uniqueId('detached');
      const r = await side.harness.run({
        options: { url: urlFor(server, { id: later }), filePath: file.filePath, name: 'file', timeout: 1000 },
      });
      expectFailure(r, 'uploadFile:fail timeout');
      expect(server.byId(later)).toEqual([]);
    } finally {
      await side.harness.close();
    }
  });
});
