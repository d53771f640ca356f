/**
 * A Taro harmony-hybrid app on this library, end to end: the fixture app (fixtures/taro-app) built by the
 * real Taro CLI (4.1.11) with the documented config, served to Chromium, with the ArkWeb stand-in and the
 * real native half of the bridge (attachUploadBridge over the @ohos.request emulation). The app is built
 * twice from one install, side by side: with the library as `npm pack` ships it in node_modules, and with
 * node_modules/harmony-upload-task a link to a folder outside the app (npm link, a file: dependency, a
 * workspace). In each build the app's own code calls Taro.uploadFile with callbacks, as a promise, and as
 * the named import; what arrives at the server, and what the app saw in which order, is checked.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { runInNewContext } from 'node:vm';
import type { webview } from '@kit.ArkWeb';
import { build } from 'esbuild';
import type { Plugin } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachUploadBridge } from '../../src/arkts/bridge-host';
import type { UploadBridge } from '../../src/arkts/bridge-host';
import { configure } from '../../src/arkts/upload';
import { sharedChromium } from '../../emulator/ohos.web.webview/chromium';
import { PlaywrightWebview } from '../../emulator/ohos.web.webview/webview-controller';
import { getSandbox } from '../../emulator/sandbox';
import { startPageHost } from '../../server/page-host';
import type { PageHost, StaticRoute } from '../../server/page-host';
import type { UploadServer } from '../../server/types';
import { startEmulatedDevice, stopEmulatedDevice } from '../arkts/device';
import { uniqueId, urlFor } from '../contract/cases';
import { sha256 } from '../hybrid/harness';
import { buildTaroApps } from './fixture';
import type { LibraryInstall, TaroApp } from './fixture';
import { checkTaroTypes } from './types';
import type { AppEvent, CallStyle, UploadPlan } from './uploads';
import { expectAbortedMidway, percents, summaryOf, timeline } from './uploads';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** Every file of the web build at its path; `/` is index.html. */
function routesOf(dir: string): Record<string, StaticRoute> {
  const routes: Record<string, StaticRoute> = {};
  const walk = (path: string): void => {
    for (const entry of readdirSync(path)) {
      const file = join(path, entry);
      if (statSync(file).isDirectory()) walk(file);
      else
        routes[`/${relative(dir, file)}`] = {
          contentType: CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
          body: readFileSync(file),
        };
    }
  };
  walk(dir);
  routes['/'] = routes['/index.html'];
  return routes;
}

const sandbox = getSandbox();
const context = sandbox.createContext();
const INSTALLS = ['packed', 'linked'] as const satisfies readonly LibraryInstall[];

let apps: Record<LibraryInstall, TaroApp>;
let server: UploadServer;
let browser: Browser;

beforeAll(async () => {
  // The builds first and alone: they take both cores.
  ({ apps } = await buildTaroApps('harmony-hybrid', INSTALLS));
  server = await startEmulatedDevice();
  configure({ context, backend: 'agent' });
  browser = await sharedChromium();
}, 20 * 60_000);

afterAll(async () => {
  await stopEmulatedDevice(server);
});

/** One build of the app, open in a Chromium page whose WebView has the native half of the bridge. */
interface OpenApp {
  page: Page;
  host: PageHost;
  /** The page's uncaught errors. */
  errors: string[];
  close(): Promise<void>;
}

async function openApp(app: TaroApp): Promise<OpenApp> {
  const host: PageHost = await startPageHost(routesOf(app.output));
  const page = await (await browser.newContext()).newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  const view = await PlaywrightWebview.create(page);
  const bridge: UploadBridge = attachUploadBridge(view as unknown as webview.WebviewController, {
    allowedOrigins: [host.origin],
    // The app's own cache folder for these tests, and the temporary folder Taro's pickers copy into.
    allowedPaths: [`${context.cacheDir}/taro`, context.tempDir],
    context,
  });
  view.onPageBegin((url) => bridge.onPageBegin(url));
  await view.registered();
  await page.goto(`${host.origin}/`);
  await page.waitForFunction(() => (globalThis as { taroUploadFixture?: unknown }).taroUploadFixture !== undefined);
  return {
    page,
    host,
    errors,
    async close() {
      bridge.detach();
      await page.context().close();
      await host.close();
    },
  };
}

/** Runs one of the app's upload functions in the page. */
function appUpload(page: Page, style: CallStyle, plan: UploadPlan): Promise<AppEvent[]> {
  return page.evaluate(
    ([s, p]) =>
      (
        globalThis as unknown as {
          taroUploadFixture: Record<string, (o: unknown, abortAt?: number) => Promise<AppEvent[]>>;
        }
      ).taroUploadFixture[s](p.options, p.abortAtPercent),
    [style, plan] as const,
  );
}

/** A file in the app's sandbox, and the filePath the page names it by. */
async function nativeFile(virtualPath: string, size: number): Promise<{ sha256: string; size: number }> {
  return { sha256: await sandbox.writeFile(virtualPath, { size, seed: size }), size };
}

/** A blob: URL in the page, of bytes the test knows, as an <input type=file> or a canvas gives one. */
async function blobUrl({ page, host }: OpenApp, size: number): Promise<{ url: string; sha256: string }> {
  const bytes = randomBytes(size);
  const source = host.offer(bytes);
  const url = await page.evaluate(async (u) => URL.createObjectURL(await (await fetch(u)).blob()), source);
  return { url, sha256: sha256(bytes) };
}

describe.each(INSTALLS)('Taro.uploadFile in a harmony-hybrid app, the library %s', (install) => {
  let app: OpenApp;
  beforeAll(async () => {
    app = await openApp(apps[install]);
  });
  afterAll(() => app?.close());

  it('with callbacks: a native file (internal://cache/) goes over the bridge and arrives whole', async () => {
    const file = await nativeFile(`${context.cacheDir}/taro/photo.jpg`, 3 * 1024 * 1024);
    const id = uniqueId('taro-callbacks');
    const events = await appUpload(app.page, 'withCallbacks', {
      options: {
        url: urlFor(server, { id, readBps: 2 * 1024 * 1024 }),
        filePath: 'internal://cache/taro/photo.jpg',
        name: 'file',
        formData: { album: 'holidays' },
      },
    });
    // Progress while the file goes out, the headers once, the final 100 %, then the callbacks.
    expect(timeline(events)).toMatch(/^(progress )?headers progress success complete$/);
    expect(percents(events)).toEqual([...percents(events)].sort((a, b) => a - b));
    expect(percents(events).at(-1)).toBe(100);
    const summary = summaryOf(events, 'success');
    expect(summary.files).toEqual([
      expect.objectContaining({ field: 'file', filename: 'photo.jpg', sha256: file.sha256 }),
    ]);
    expect(summary.fields).toEqual({ album: 'holidays' });
    expect(events.at(-1)?.[1]).toEqual(events.at(-2)?.[1]);
    const [record] = server.byId(id);
    expect(record.summary?.files[0].sha256).toBe(file.sha256);
  });

  it('as a promise, with .progress and .headersReceive: a blob: URL is sent by the page itself', async () => {
    const file = await blobUrl(app, 2 * 1024 * 1024);
    const id = uniqueId('taro-promise');
    const events = await appUpload(app.page, 'withPromise', {
      options: {
        url: urlFor(server, { id, readBps: 2 * 1024 * 1024 }),
        filePath: file.url,
        name: 'file',
        fileName: 'drawing.png',
      },
    });
    // The listeners added with .progress() and .headersReceive() saw the upload; then the promise resolved.
    expect(timeline(events)).toMatch(/^(progress )?headers progress resolved$/);
    expect(percents(events).at(-1)).toBe(100);
    const result = events.at(-1)?.[1] as { statusCode: number; errMsg: string };
    expect(result).toMatchObject({ statusCode: 200, errMsg: 'uploadFile:ok' });
    expect(summaryOf(events, 'resolved').files).toEqual([
      expect.objectContaining({ filename: 'drawing.png', contentType: 'image/png', sha256: file.sha256 }),
    ]);
    expect(server.byId(id)[0].summary?.files[0].sha256).toBe(file.sha256);
  });

  it("the named import: internal://temp/ (where Taro's chooseImage copies a picked photo) goes over the bridge", async () => {
    const name = '1767225600000_IMG_0001.jpg';
    const file = await nativeFile(`${context.tempDir}/${name}`, 1024 * 1024);
    const id = uniqueId('taro-named');
    const events = await appUpload(app.page, 'withNamedImport', {
      options: { url: urlFor(server, { id }), filePath: `internal://temp/${name}`, name: 'photo' },
    });
    expect(events.at(-1)).toEqual(['resolved', expect.objectContaining({ statusCode: 200, errMsg: 'uploadFile:ok' })]);
    expect(summaryOf(events, 'resolved').files).toEqual([
      expect.objectContaining({ field: 'photo', filename: name, sha256: file.sha256 }),
    ]);
  });

  it('abort() from a progress listener ends the upload with uploadFile:fail abort, and the server never gets it all', async () => {
    await nativeFile(`${context.cacheDir}/taro/video.mp4`, 16 * 1024 * 1024);
    const id = uniqueId('taro-abort');
    const events = await appUpload(app.page, 'withCallbacks', {
      options: {
        url: urlFor(server, { id, readBps: 4 * 1024 * 1024 }),
        filePath: 'internal://cache/taro/video.mp4',
        name: 'file',
      },
      abortAtPercent: 20,
    });
    await expectAbortedMidway(events, server, id);
  });

  it('the page raised no error', () => {
    expect(app.errors).toEqual([]);
  });
});

describe('the shim, with a Taro whose API module is not where it was', () => {
  it("stops the app at start and names what it expected, instead of falling back to Taro's own upload", async () => {
    const shim = join(apps.packed.root, 'node_modules/harmony-upload-task/dist/taro/hybrid.js');
    const moved: Plugin = {
      name: 'moved-taro',
      setup(b) {
        // What a later version might leave at the old path: a module that is no longer the API.
        b.onResolve({ filter: /^@tarojs\// }, (args) => ({ path: args.path, namespace: 'moved' }));
        b.onLoad({ filter: /.*/, namespace: 'moved' }, () => ({ contents: 'export default {};', loader: 'js' }));
      },
    };
    const { outputFiles } = await build({
      entryPoints: [shim],
      bundle: true,
      format: 'iife',
      write: false,
      plugins: [moved],
      logLevel: 'silent',
    });
    expect(() => runInNewContext(outputFiles[0].text, {})).toThrow(
      "harmony-upload-task/taro/hybrid: @tarojs/plugin-platform-harmony-hybrid/dist/runtime/apis/index.js is not Taro's harmony-hybrid API module: it lacks getEnv, request.",
    );
  });
});

describe("Taro's types", () => {
  it("the shim's uploadFile, its task and its results stand where Taro declares its own (tsc, strict)", async () => {
    expect(await checkTaroTypes(apps.packed.root)).toEqual([]);
  }, 120_000);
});
