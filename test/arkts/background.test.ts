/**
 * Background mode in one process, over the in-process request service to the real server: the whole
 * UploadTask contract on a BACKGROUND request.agent task, the app's record of it from creation to outcome,
 * the copy of a user file, aborts, and the combinations that cannot run. What survives the app's death is
 * in background-device.test.ts.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { request } from '@kit.BasicServicesKit';
import type { common } from '@kit.AbilityKit';
import { configure, restoreUploads, uploadFile, uploadStats } from '../../src/arkts/index';
import { BACKGROUND_DIR } from '../../src/arkts/background-store';
import { addUserFile, appStateCallbacks, emulationStats, setAppState } from '../../emulator/control';
import { APPLICATION_DIRS, getSandbox } from '../../emulator/sandbox';
import type { UploadServer } from '../../server/types';
import { runScenario } from '../contract/driver';
import { expectFailure, expectSuccess, kinds, percents } from '../contract/recording';
import { startEmulatedDevice, stopEmulatedDevice } from './device';

let server: UploadServer;
const sandbox = getSandbox();
const context = sandbox.createContext();
const dir = `${APPLICATION_DIRS.filesDir}/${BACKGROUND_DIR}`;
let n = 0;

beforeAll(async () => {
  server = await startEmulatedDevice();
  configure({ context, backend: 'auto' });
});
afterAll(() => stopEmulatedDevice(server));
afterEach(async () => {
  vi.restoreAllMocks();
  configure({ backend: 'auto', background: false });
  // Nothing left: no platform task, no entry in the record, no copy, no upload of the library.
  await expect.poll(() => emulationStats().agentTasks).toBe(0);
  expect(uploadStats()).toMatchObject({ live: 0, running: 0 });
  await expect.poll(record).toEqual([]);
  await expect.poll(() => sandbox.list(`${dir}/copies`)).toEqual([]);
});

/** The ids in the app's record of background uploads. */
function record(): string[] {
  const real = sandbox.realPath(`${dir}/uploads.json`);
  if (!real) return [];
  try {
    return (JSON.parse(readFileSync(real, 'utf8')) as { uploads: Array<{ id: string }> }).uploads.map((u) => u.id);
  } catch {
    return [];
  }
}

/** The entries of the app's record of background uploads, as stored. */
function recordEntries(): object[] {
  const real = sandbox.realPath(`${dir}/uploads.json`);
  if (!real) return [];
  try {
    return (JSON.parse(readFileSync(real, 'utf8')) as { uploads: object[] }).uploads;
  } catch {
    return [];
  }
}

/** Writes the record as the library does, whole and renamed over: a reading process never sees a part. */
function writeRecord(uploads: object[]): void {
  const real = sandbox.realPath(`${dir}/uploads.json`) as string;
  mkdirSync(dirname(real), { recursive: true });
  writeFileSync(`${real}.test`, JSON.stringify({ v: 1, uploads }));
  renameSync(`${real}.test`, real);
}

async function file(size: number): Promise<{ filePath: string; sha256: string }> {
  const filePath = `${context.filesDir}/background/${++n}.bin`;
  return { filePath, sha256: await sandbox.writeFile(filePath, { size, seed: n }) };
}

/** What request.agent.create was given, for the uploads of one test. */
function createdConfigs(): request.agent.Config[] {
  const configs: request.agent.Config[] = [];
  const create = request.agent.create.bind(request.agent) as (
    c: unknown,
    config: request.agent.Config,
  ) => Promise<request.agent.Task>;
  vi.spyOn(request.agent, 'create').mockImplementation(((c: unknown, config: request.agent.Config) => {
    configs.push(config);
    return create(c, config);
  }) as typeof request.agent.create);
  return configs;
}

describe('background: true', () => {
  it('uploads on a BACKGROUND task with progress in its notification, any network: the whole contract', async () => {
    const configs = createdConfigs();
    const { filePath, sha256 } = await file(12 * 1024 * 1024);
    let recorded: string[] = [];
    const r = await runScenario(
      (o: never) => {
        const task = uploadFile(o);
        task.onProgressUpdate(() => {
          if (recorded.length === 0) recorded = record();
        });
        return task;
      },
      {
        options: { url: `${server.uploadUrl}?readBps=${8 * 1024 * 1024}`, filePath, name: 'file', background: true },
      },
    );
    const result = expectSuccess(r);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.data).files[0].sha256).toBe(sha256);
    expect(kinds(r, { only: ['progress', 'headers', 'success'] }).slice(-3)).toEqual([
      'headers',
      'progress',
      'success',
    ]);
    expect(percents(r, 'p1').length).toBeGreaterThan(2);
    expect(percents(r, 'p1').at(-1)).toBe(100);
    // While it ran, the record held it; the outcome delivered, it is forgotten (afterEach).
    expect(recorded).toHaveLength(1);
    expect(configs).toHaveLength(1);
    expect(configs[0]).toMatchObject({
      mode: request.agent.Mode.BACKGROUND,
      gauge: true,
      network: request.agent.Network.ANY,
      metered: true,
      retry: true,
    });
    expect(configs[0]?.token).toMatch(/^[A-Za-z0-9]{40}$/);
  });

  it("network: 'wifi' asks the service for Wi-Fi only; configure({ background: true }) is every upload's default", async () => {
    const configs = createdConfigs();
    configure({ background: true });
    const { filePath, sha256 } = await file(64 * 1024);
    const res = await uploadFile({ url: server.uploadUrl, filePath, name: 'file', network: 'wifi', tag: 'wifi' });
    expect(JSON.parse(res.data).files[0].sha256).toBe(sha256);
    expect(configs[0]).toMatchObject({
      mode: request.agent.Mode.BACKGROUND,
      network: request.agent.Network.WIFI,
      metered: false,
    });
  });

  it('a 4xx answer: the status and headers, no body (the service does not keep it)', async () => {
    const { filePath } = await file(1024);
    const res = await uploadFile({ url: `${server.uploadUrl}?status=404`, filePath, name: 'file', background: true });
    expect(res).toMatchObject({ statusCode: 404, data: '', errMsg: 'uploadFile:ok' });
  });

  it('a user file (file://media/...) is copied into the app files first; the copy is gone at the outcome', async () => {
    const photo = await addUserFile({ content: { size: 10 * 1024 * 1024, seed: 77 }, displayName: 'video.mp4' });
    let copies: string[] = [];
    const url = `${server.uploadUrl}?readBps=${8 * 1024 * 1024}`;
    const task = uploadFile({ url, filePath: photo.uri, name: 'file', background: true });
    task.onProgressUpdate(() => {
      if (copies.length === 0) copies = sandbox.list(`${dir}/copies`);
    });
    const res = await task;
    const received = JSON.parse(res.data).files[0];
    expect(received).toMatchObject({ sha256: photo.sha256, filename: 'video.mp4' });
    // There while the service read it, gone when the outcome is delivered, and forgotten in the record.
    expect(copies).toHaveLength(1);
    expect(sandbox.list(`${dir}/copies`)).toEqual([]);
    expect(record()).toEqual([]);
  });

  it('abort() mid-upload removes the task, the entry and the copy', async () => {
    const photo = await addUserFile({ content: { size: 16 * 1024 * 1024, seed: 78 }, displayName: 'big.mp4' });
    const r = await runScenario(uploadFile, {
      options: {
        url: `${server.uploadUrl}?readBps=${4 * 1024 * 1024}`,
        filePath: photo.uri,
        name: 'file',
        background: true,
      },
      abort: { atPercent: 30 },
    });
    expectFailure(r, 'uploadFile:fail abort');
  });

  it('the record is capped: beyond 500 uploads not reported yet, a new one is refused, and leaves nothing', async () => {
    const uploads = Array.from({ length: 500 }, (_, i) => ({
      id: `${900000 + i}`,
      url: server.uploadUrl,
      filePath: `${context.filesDir}/gone.bin`,
      name: 'file',
      fileName: 'gone.bin',
      size: 1,
      created: Date.now(),
    }));
    writeRecord(uploads);
    const { filePath } = await file(1024);
    const id = 'over-the-cap';
    await expect(
      uploadFile({ url: `${server.uploadUrl}?id=${id}`, filePath, name: 'file', background: true }),
    ).rejects.toEqual({
      errMsg:
        'uploadFile:fail cannot keep a background upload: too many background uploads not reported yet (500): call restoreUploads() to learn their outcomes',
    });
    expect(record()).toHaveLength(500);
    expect(server.byId(id)).toEqual([]);
    writeRecord([]);
  });

  it("fails at once where it cannot run: backend 'http' or 'uploadFile'", async () => {
    const { filePath } = await file(1024);
    for (const backend of ['http', 'uploadFile'] as const) {
      configure({ backend });
      const url = `${server.uploadUrl}?id=refused-${backend}`;
      await expect(uploadFile({ url, filePath, name: 'file', background: true })).rejects.toEqual({
        errMsg: `uploadFile:fail background uploads run on request.agent: backend '${backend}' cannot run one (configure({ backend: 'agent' }) or 'auto')`,
      });
      expect(server.byId(`refused-${backend}`)).toEqual([]);
      expect(() => configure({ background: true })).toThrow(`backend '${backend}' cannot run one`);
    }
    configure({ backend: 'agent' });
    expect(() => configure({ backend: 'http', background: true })).toThrow("backend 'http' cannot run one");
  });

  it('files with several entries: refused at once (a request per file), nothing sent, nothing recorded', async () => {
    const a = await file(1024);
    const b = await file(2048);
    const url = `${server.uploadUrl}?id=background-files-refused`;
    const files = [
      { name: 'a', filePath: a.filePath },
      { name: 'b', filePath: b.filePath },
    ];
    await expect(uploadFile({ url, files, background: true })).rejects.toEqual({
      errMsg:
        'uploadFile:fail parameter error: parameter.files lists 2 files, and a background upload sends one (request.agent would send each in a request of its own): upload them one at a time, or in one request without background mode',
    });
    expect(server.byId('background-files-refused')).toEqual([]);
  });

  it('files with one entry: uploaded on a BACKGROUND task, recorded with its filePath, name and fileName', async () => {
    const configs = createdConfigs();
    const { filePath, sha256 } = await file(12 * 1024 * 1024);
    const task = uploadFile({
      url: `${server.uploadUrl}?readBps=${8 * 1024 * 1024}`,
      files: [{ name: 'photo', filePath, fileName: 'one.bin' }],
      background: true,
    });
    let entries: object[] = [];
    task.onProgressUpdate(() => {
      if (entries.length === 0) entries = recordEntries();
    });
    const res = await task;
    // What restoreUploads() would give back after the app's death.
    expect(entries).toEqual([expect.objectContaining({ filePath, name: 'photo', fileName: 'one.bin' })]);
    expect(JSON.parse(res.data).files).toEqual([
      expect.objectContaining({ field: 'photo', filename: 'one.bin', sha256 }),
    ]);
    expect(configs).toHaveLength(1);
    expect(configs[0]?.mode).toBe(request.agent.Mode.BACKGROUND);
  });

  it('without request.agent, it fails at once and says why', async () => {
    const { filePath } = await file(1024);
    const agent = request.agent as { create: unknown };
    const create = agent.create;
    agent.create = undefined;
    try {
      await expect(uploadFile({ url: server.uploadUrl, filePath, name: 'file', background: true })).rejects.toEqual({
        errMsg: 'uploadFile:fail background uploads need request.agent, which this system does not have',
      });
    } finally {
      agent.create = create;
    }
  });
});

describe('restoreUploads()', () => {
  it("leaves out this process's own uploads, which their tasks report", async () => {
    const { filePath } = await file(6 * 1024 * 1024);
    const task = uploadFile({
      url: `${server.uploadUrl}?readBps=${8 * 1024 * 1024}`,
      filePath,
      name: 'file',
      background: true,
    });
    let during: Promise<unknown[]> | undefined;
    task.onProgressUpdate(() => {
      during ??= restoreUploads();
    });
    await task;
    expect(during).toBeDefined();
    expect(await during).toEqual([]);
    expect(record()).toEqual([]);
  });

  it('a context that is none: a rejection that says so', async () => {
    await expect(restoreUploads({} as common.Context)).rejects.toEqual({
      errMsg: 'restoreUploads:fail parameter error: parameter.context should be an application Context (with cacheDir)',
    });
  });
});

describe("foreground uploads and the app's background (in one process; suspension itself: background-device.test.ts)", () => {
  afterEach(() => {
    setAppState('foreground');
    configure({ interruptAfterMs: 5000 });
  });

  it("@ohos.net.http: still running interruptAfterMs after the app left the foreground, 'interrupted'", async () => {
    configure({ backend: 'http', interruptAfterMs: 50 });
    const { filePath } = await file(8 * 1024 * 1024);
    const id = 'interrupted-http';
    const task = uploadFile({ url: `${server.uploadUrl}?id=${id}&readBps=${2 * 1024 * 1024}`, filePath, name: 'file' });
    let once = false;
    task.onProgressUpdate(() => {
      if (!once) setAppState('background');
      once = true;
    });
    await expect(task).rejects.toEqual({ errMsg: 'uploadFile:fail interrupted' });
    // The watch on the app's state ends with the upload.
    expect(appStateCallbacks()).toBe(0);
  });

  it('back in the foreground in time, it goes on and succeeds', async () => {
    // The upload takes about a second; away for less than 100 ms, it is not interrupted.
    configure({ backend: 'http', interruptAfterMs: 100 });
    const { filePath, sha256 } = await file(8 * 1024 * 1024);
    const task = uploadFile({ url: `${server.uploadUrl}?readBps=${8 * 1024 * 1024}`, filePath, name: 'file' });
    let once = false;
    task.onProgressUpdate(() => {
      if (once) return;
      once = true;
      setAppState('background');
      setAppState('foreground');
    });
    expect(JSON.parse((await task).data).files[0].sha256).toBe(sha256);
    expect(once).toBe(true);
    expect(appStateCallbacks()).toBe(0);
  });
});
