/**
 * A Taro Harmony ArkTS app (`taro build --type harmony`, Taro 4.2.0) on this library, as far as it runs off
 * the device: the fixture app is built by the real Taro CLI, and the JavaScript it emits (the app's and the
 * page's modules, Taro's ArkTS runtime and Taro's own API object) runs in Node over the @ohos.request
 * emulation (ets-project.ts says what stands in for the device). The app's upload-setup.harmony.js calls
 * installTaroUploadFile(Taro) when the app module loads; the page's code then calls Taro.uploadFile in the
 * three styles. What arrives at the server, and what the app saw, is checked.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installTaroUploadFile } from '../../src/arkts/index';
import { configure } from '../../src/arkts/upload';
import { getSandbox } from '../../emulator/sandbox';
import type { UploadServer } from '../../server/types';
import { startEmulatedDevice, stopEmulatedDevice } from '../arkts/device';
import { uniqueId, urlFor } from '../contract/cases';
import { bundleEtsModules, installArkUiGlobals } from './ets-project';
import type { EtsModules } from './ets-project';
import { buildTaroApps } from './fixture';
import type { AppEvent, CallStyle } from './uploads';
import { expectAbortedMidway, percents, summaryOf, timeline } from './uploads';

type AppUploads = Record<CallStyle, (options: Record<string, unknown>, abortAtPercent?: number) => Promise<AppEvent[]>>;

const sandbox = getSandbox();
const context = sandbox.createContext();

let server: UploadServer;
let modules: EtsModules;
let uploads: AppUploads;

beforeAll(async () => {
  // The library goes into the generated project through ohpm (harmony.ohPackage in the config), and the
  // build leaves its import alone: how npm installed it does not matter here, so one install is built.
  const { apps } = await buildTaroApps('harmony', ['packed']);
  const app = apps.packed;
  modules = await bundleEtsModules(app.output, join(app.root, 'node-run'));
  installArkUiGlobals(context);
  server = await startEmulatedDevice();
  // The app never calls configure(): on a device the library finds the context with ArkUI's getContext().
  configure({ backend: 'agent' });
  // The page first, to see Taro's own uploadFile before the app module installs the library's.
  await import(modules.page);
  uploads = (globalThis as unknown as { taroUploadFixture: AppUploads }).taroUploadFixture;
}, 20 * 60_000);

afterAll(() => stopEmulatedDevice(server));

async function file(name: string, size: number): Promise<{ filePath: string; sha256: string }> {
  const filePath = `${context.filesDir}/${name}`;
  return { filePath, sha256: await sandbox.writeFile(filePath, { size, seed: size }) };
}

describe('Taro.uploadFile in a Harmony ArkTS app (the emitted code, off the device)', () => {
  it("before installTaroUploadFile, Taro.uploadFile is Taro's own, and nothing reaches the server", async () => {
    const { filePath } = await file('before.jpg', 64 * 1024);
    const id = uniqueId('taro-ets-before');
    const events = await uploads.awaitResult({ url: urlFor(server, { id }), filePath, name: 'file' });
    // Taro 4.2.0's own uploadFile calls request.upload, which the SDK declares for FA-model apps only
    // (@FAModelOnly, deprecated since API 9) and the emulation of a stage-model app does not have: it
    // rejects with a TypeError, not a mini-program errMsg.
    expect(events).toEqual([['rejected', { error: expect.stringMatching(/^TypeError: .*upload/) }]]);
    expect(server.byId(id)).toEqual([]);
  });

  it("the app module's installTaroUploadFile(Taro) puts the library behind every call site", async () => {
    await import(modules.app);
    const a = await file('photo.jpg', 2 * 1024 * 1024);
    const id = uniqueId('taro-ets-callbacks');
    const events = await uploads.withCallbacks({
      url: urlFor(server, { id, readBps: 2 * 1024 * 1024 }),
      filePath: a.filePath,
      name: 'file',
      formData: { album: 'holidays' },
    });
    expect(timeline(events)).toMatch(/^(progress )?headers progress success complete$/);
    expect(summaryOf(events, 'success').files).toEqual([
      expect.objectContaining({ field: 'file', filename: 'photo.jpg', sha256: a.sha256 }),
    ]);
    expect(summaryOf(events, 'success').fields).toEqual({ album: 'holidays' });
    expect(server.byId(id)[0].summary?.files[0].sha256).toBe(a.sha256);
  });

  it('as a promise with .progress / .headersReceive, and as the named import', async () => {
    const b = await file('scan.pdf', 1024 * 1024);
    const promised = await uploads.withPromise({
      url: urlFor(server, { readBps: 1024 * 1024 }),
      filePath: b.filePath,
      name: 'file',
    });
    expect(timeline(promised)).toMatch(/^(progress )?headers progress resolved$/);
    expect(percents(promised).at(-1)).toBe(100);
    expect(summaryOf(promised, 'resolved').files[0]).toMatchObject({
      contentType: 'application/pdf',
      sha256: b.sha256,
    });

    const c = await file('note.txt', 1000);
    const named = await uploads.withNamedImport({ url: urlFor(server), filePath: c.filePath, name: 'note' });
    expect(named.at(-1)?.[0]).toBe('resolved');
    expect(summaryOf(named, 'resolved').files[0]).toMatchObject({ field: 'note', sha256: c.sha256 });

    // await gives the result itself (Taro's own resolves with the task).
    const awaited = await uploads.awaitResult({ url: urlFor(server), filePath: c.filePath, name: 'note' });
    expect(awaited).toEqual([
      ['resolved', { data: expect.any(String), statusCode: 200, header: expect.any(Object), errMsg: 'uploadFile:ok' }],
    ]);
  });

  it('abort() from a progress listener: uploadFile:fail abort, then complete, and the server never gets it all', async () => {
    const d = await file('video.mp4', 16 * 1024 * 1024);
    const id = uniqueId('taro-ets-abort');
    const events = await uploads.withCallbacks(
      { url: urlFor(server, { id, readBps: 4 * 1024 * 1024 }), filePath: d.filePath, name: 'file' },
      20,
    );
    await expectAbortedMidway(events, server, id);
  });
});

describe('installTaroUploadFile', () => {
  it('throws a TypeError that says what to pass, for anything uploadFile cannot be set on', () => {
    const message =
      "installTaroUploadFile: cannot set uploadFile on that; pass Taro's object (import Taro from '@tarojs/taro')";
    for (const wrong of [undefined, null, 42, 'Taro', Object.freeze({ uploadFile: () => undefined })]) {
      expect(() => installTaroUploadFile(wrong as never)).toThrow(new TypeError(message));
    }
  });
});
