/**
 * The bridge fails closed, and tells a refused page why. What the host cannot check it refuses: an lstat
 * that errs on the way to the file, a caller the controller cannot place, a page URL whose origin it
 * cannot read. A top page of another origin is told at once (a few times a second at most); an iframe is
 * told nothing.
 * The failures are injected into the emulation: `failFileCall` (@ohos.file.fs) and the ArkWeb stand-in's
 * `answer` (getUrl, getLastJavascriptProxyCallingFrameUrl).
 */ import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureEmulation, failFileCall, resetEmulation } from '../../emulator/control';
import type { CallerQuery, QueryFault } from '../../emulator/ohos.web.webview/webview-controller';
import { startUploadServer } from '../../server/upload-server';
import type { UploadServer } from '../../server/types';
import { uniqueId, urlFor } from '../contract/cases';
import {
  bridgeDir,
  delivered,
  errMsgOf,
  nativeFile,
  postFromIframe,
  startBridgePage,
  startMessage,
  startOptions,
} from './bridge-harness';
import type { BridgePage } from './bridge-harness';

let server: UploadServer;

beforeAll(async () => {
  server = await startUploadServer();
  configureEmulation({ progressIntervalMs: 100 });
});
afterAll(async () => {
  await resetEmulation();
  await server.close();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('a path check that errs refuses the upload', () => {
  let side: BridgePage;
  beforeAll(async () => {
    side = await startBridgePage();
  });
  afterAll(async () => side?.harness.close());

  it.each([
    { where: 'the file itself', code: 13900005, text: 'I/O error', at: (path: string) => path },
    {
      where: 'a directory on the way',
      code: 13900012,
      text: 'Permission denied',
      at: (path: string) => path.slice(0, path.lastIndexOf('/')),
    },
  ])(
    'lstat failing on $where ($code): refused with the reason, nothing reaches the server',
    async ({ code, text, at }) => {
      const file = await nativeFile(1000, 'checked/x.bin');
      const failing = at(file.filePath);
      failFileCall('lstat', failing, code);
      const started = side.native.uploads.length;
      const id = uniqueId('lstat');
      const r = await side.harness.run({
        options: { url: urlFor(server, { id }), filePath: file.filePath, name: 'file' },
      });
      expect(errMsgOf(r)).toBe(
        `uploadFile:fail refused by the native bridge: cannot check filePath "${file.filePath}" for symbolic links: lstat of ${failing} failed (${code} ${text})`,
      );
      expect(server.byId(id)).toEqual([]);
      expect(side.native.uploads.length).toBe(started);
    },
  );

  it('only "no such file or directory" ends the walk: the upload then fails with file not found, as in ArkTS', async () => {
    const missing = uniqueId('missing');
    for (const filePath of [`${bridgeDir}/${missing}.bin`, `${bridgeDir}/${missing}/x.bin`]) {
      const id = uniqueId('enoent');
      const r = await side.harness.run({ options: { url: urlFor(server, { id }), filePath, name: 'file' } });
      expect(errMsgOf(r), filePath).toBe(`uploadFile:fail file not found: ${filePath}`);
      expect(server.byId(id)).toEqual([]);
    }
  });
});

describe('a caller the controller cannot place gets nothing', () => {
  let side: BridgePage;
  beforeAll(async () => {
    side = await startBridgePage();
  });
  afterAll(async () => side?.harness.close());

  const cases: Array<[string, CallerQuery, QueryFault]> = [
    ['getLastJavascriptProxyCallingFrameUrl() throws', 'getLastJavascriptProxyCallingFrameUrl', { throws: 17100001 }],
    ['getUrl() throws', 'getUrl', { throws: 17100001 }],
    // What the controller answers once it has lost its web instance: nothing about who called.
    ["getLastJavascriptProxyCallingFrameUrl() answers ''", 'getLastJavascriptProxyCallingFrameUrl', { returns: '' }],
  ];
  for (const [name, method, fault] of cases) {
    it(`${name}: no upload, no answer; the page ends its task with its own timeout`, async () => {
      const file = await nativeFile(1000);
      const scripts = side.webview.scripts.length;
      side.webview.answer(method, fault);
      try {
        const id = uniqueId('unplaced');
        const r = await side.harness.run({
          options: { url: urlFor(server, { id }), filePath: file.filePath, name: 'file', timeout: 1500 },
        });
        expect(errMsgOf(r)).toBe('uploadFile:fail timeout');
        expect(server.byId(id)).toEqual([]);
        expect(side.webview.scripts.length).toBe(scripts);
      } finally {
        side.webview.answer(method, undefined);
      }
    });
  }

  it('a page URL whose origin cannot be read is refused, never read as an allowed origin', async () => {
    // Read from after its last '@', this authority would be the allowed page's host.
    const url = `${side.origin.replace('://', '://evil.example\\@')}/`;
    side.webview.answer('getUrl', { returns: url });
    side.webview.answer('getLastJavascriptProxyCallingFrameUrl', { returns: url });
    try {
      const file = await nativeFile(1000);
      const id = uniqueId('unreadable');
      const r = await side.harness.run({
        options: { url: urlFor(server, { id }), filePath: file.filePath, name: 'file', timeout: 10000 },
      });
      expect(errMsgOf(r)).toBe(
        "uploadFile:fail refused by the native bridge: the page's URL has no origin the bridge can read (scheme://host[:port])",
      );
      expect(server.byId(id)).toEqual([]);
    } finally {
      side.webview.answer('getUrl', undefined);
      side.webview.answer('getLastJavascriptProxyCallingFrameUrl', undefined);
    }
  });
});

describe('a top page of an origin not in allowedOrigins', () => {
  let side: BridgePage;
  beforeAll(async () => {
    side = await startBridgePage({ allowedOrigins: () => ['https://app.example.com', 'http://app.example.com:8080'] });
  });
  afterAll(async () => side?.harness.close());

  it('is refused at once, told its own origin and nothing else; nothing starts', async () => {
    const file = await nativeFile(1000);
    const id = uniqueId('origin');
    const began = Date.now();
    const r = await side.harness.run({
      options: { url: urlFor(server, { id }), filePath: file.filePath, name: 'file', timeout: 10000 },
    });
    const reason = `origin ${side.origin} is not in allowedOrigins`;
    expect(errMsgOf(r)).toBe(`uploadFile:fail refused by the native bridge: ${reason}`);
    expect(Date.now() - began).toBeLessThan(3000);
    expect(server.byId(id)).toEqual([]);
    expect(side.native.uploads).toEqual([]);
    // The one answer the page got.
    expect(delivered(side.webview.scripts)).toEqual([
      { v: 1, page: expect.any(String), type: 'refused', id: expect.any(String), reason },
    ]);
  });

  it('an iframe in it gets nothing: an answer would reach the top page', async () => {
    const scripts = side.webview.scripts.length;
    const file = await nativeFile(100);
    const id = uniqueId('iframe-other');
    const calls = side.webview.proxyCalls;
    await postFromIframe(side, startMessage('frame', 'f1', startOptions(file.filePath, urlFor(server, { id }))));
    await expect.poll(() => side.webview.proxyCalls).toBe(calls + 1);
    await sleep(300);
    expect(side.webview.scripts.length).toBe(scripts);
    expect(server.byId(id)).toEqual([]);
  });

  it('the refusals are rate-limited: a flood gets a few answers and starts nothing; later calls are answered again', async () => {
    const file = await nativeFile(100);
    const flood = 200;
    const scripts = side.webview.scripts.length;
    const calls = side.webview.proxyCalls;
    const began = Date.now();
    await side.harness.page.evaluate(
      ([n, options]) => {
        const proxy = (window as unknown as { __harmonyUploadNative: { post(x: string): void } }).__harmonyUploadNative;
        for (let i = 0; i < n; i++)
          proxy.post(JSON.stringify({ v: 1, page: 'flood', type: 'start', id: `f${i}`, options }));
      },
      [flood, startOptions(file.filePath, urlFor(server, { id: 'flood' }))] as const,
    );
    await expect.poll(() => side.webview.proxyCalls, { timeout: 20000 }).toBe(calls + flood);
    const seconds = (Date.now() - began) / 1000;
    await sleep(200);
    const answers = side.webview.scripts.length - scripts;
    // Ten at once, then two a second.
    expect(answers).toBeGreaterThanOrEqual(10);
    expect(answers).toBeLessThanOrEqual(10 + Math.ceil(2 * (seconds + 0.2)));
    expect(server.byId('flood')).toEqual([]);
    expect(side.native.uploads).toEqual([]);
    await sleep(600);
    const r = await side.harness.run({ options: { url: urlFor(server), filePath: file.filePath, name: 'file' } });
    expect(errMsgOf(r)).toBe(
      `uploadFile:fail refused by the native bridge: origin ${side.origin} is not in allowedOrigins`,
    );
  });
});
