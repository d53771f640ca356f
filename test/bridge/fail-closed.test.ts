/**
 * The bridge fails closed, and tells a refused page why. What the host cannot check it refuses: an lstat
 * that errs on the way to the file, a caller the controller cannot place, a page URL whose origin it
 * cannot read. A top page of another origin is told at once (a few times a second at most); an iframe is
 * told nothing. A page id the host has not seen is no page load where onPageBegin is forwarded; where it
 * is not, the uploads it ends are told, so that a page still there never waits out its timeout.
 * The failures are injected into the emulation: `failFileCall` (@ohos.file.fs) and the ArkWeb stand-in's
 * `answer` (getUrl, getLastJavascriptProxyCallingFrameUrl).
 */
import type { webview } from '@kit.ArkWeb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failFileCall } from '../../emulator/control';
import type { CallerQuery, QueryFault } from '../../emulator/ohos.web.webview/webview-controller';
import type { UploadServer } from '../../server/types';
import { attachUploadBridge } from '../../src/arkts/bridge-host';
import { startEmulatedDevice, stopEmulatedDevice } from '../arkts/device';
import { uniqueId, urlFor } from '../contract/cases';
import { expectFailure, expectSuccess } from '../contract/recording';
import { delivered, postFromIframe, postRaw, startMessage, startOptions } from './messages';
import { bridgeDir, leaveRunning, nativeFile, runningUpload, startBridgePage } from './target';
import type { BridgePage } from './target';

let server: UploadServer;

beforeAll(async () => {
  server = await startEmulatedDevice();
});
afterAll(() => stopEmulatedDevice(server));

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
      expectFailure(
        r,
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
      expectFailure(r, `uploadFile:fail file not found: ${filePath}`);
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
        expectFailure(r, 'uploadFile:fail timeout');
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
      expectFailure(
        r,
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
    expectFailure(r, `uploadFile:fail refused by the native bridge: ${reason}`);
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
    expectFailure(r, `uploadFile:fail refused by the native bridge: origin ${side.origin} is not in allowedOrigins`);
  });
});

describe('a page id the host has not seen', () => {
  /** A page upload left running, slow enough to be running when the forged message arrives. */
  async function victimUpload(side: BridgePage, timeout: number) {
    const file = await nativeFile(4 * 1024 * 1024, 'forged-victim.bin');
    const upload = { filePath: file.filePath, readBps: 1024 * 1024, timeout, label: 'victim' };
    return { file, ...(await runningUpload(side, server, upload)) };
  }

  async function postForged(side: BridgePage): Promise<string> {
    const forged = await nativeFile(100, 'forged.bin');
    const id = uniqueId('forged');
    await postRaw(side, startMessage('forgedpage', 'f1', startOptions(forged.filePath, urlFor(server, { id }))));
    return id;
  }

  it('where onPageBegin is forwarded, is no page load: the running upload finishes intact', async () => {
    const side = await startBridgePage();
    try {
      const victim = await victimUpload(side, 30000);
      const forgedId = await postForged(side);
      const r = await victim.run;
      expectSuccess(r);
      expect(server.byId(victim.id)[0]?.summary?.files[0].sha256).toBe(victim.file.sha256);
      // The forged start was an upload like any other: it ran, its answers addressed to a page id nobody holds.
      await server.waitFor((x) => x.id === forgedId && x.responded, 5000);
    } finally {
      await side.harness.close();
    }
  }, 30000);

  it('where it is not, ends the running upload and tells it: fail abort at once, never a hang', async () => {
    const side = await startBridgePage({ wirePageBegin: false });
    try {
      const victim = await victimUpload(side, 10000);
      const posted = Date.now();
      await postForged(side);
      const r = await victim.run;
      expectFailure(r, 'uploadFile:fail abort');
      expect(Date.now() - posted).toBeLessThan(3000);
      const rec = await server.waitFor((x) => x.id === victim.id && x.closedAt !== undefined, 5000);
      expect(rec.bodyComplete).toBe(false);
      // The page's next upload is a page load of its own again, and goes through.
      const small = await nativeFile(100);
      const again = await side.harness.run({
        options: { url: urlFor(server), filePath: small.filePath, name: 'file' },
      });
      expectSuccess(again);
    } finally {
      await side.harness.close();
    }
  }, 30000);

  it("does not widen the page's cap: with onPageBegin forwarded, every upload counts, whatever its page id", async () => {
    const side = await startBridgePage({ maxUploadsPerPage: 2 });
    try {
      const ids = [uniqueId('cap'), uniqueId('cap')];
      for (const id of ids) {
        const file = await nativeFile(2 * 1024 * 1024, 'cap.bin');
        await leaveRunning(side, server, id, file.filePath, 512 * 1024);
      }
      const scripts = side.webview.scripts.length;
      const forgedId = await postForged(side);
      await expect
        .poll(() => delivered(side.webview.scripts.slice(scripts)).filter((m) => m.page === 'forgedpage'))
        .toEqual([
          {
            v: 1,
            page: 'forgedpage',
            type: 'refused',
            id: 'f1',
            reason: 'too many uploads from this page (at most 2 at once)',
          },
        ]);
      expect(server.byId(forgedId)).toEqual([]);
    } finally {
      await side.harness.close();
    }
  }, 30000);
});

describe('attachUploadBridge options', () => {
  it.each([Number.NaN, 0, -1, 1.5, '5'])(
    'maxUploadsPerPage %s: a TypeError at once, not a cap that never holds',
    (max) => {
      expect(() =>
        attachUploadBridge({} as webview.WebviewController, {
          allowedOrigins: ['https://app.example.com'],
          allowedPaths: [bridgeDir],
          maxUploadsPerPage: max as number,
        }),
      ).toThrow(
        new TypeError(`attachUploadBridge: options.maxUploadsPerPage must be a positive integer, not ${String(max)}`),
      );
    },
  );
});
