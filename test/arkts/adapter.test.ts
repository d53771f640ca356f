/**
 * What is particular to the ArkTS target: the filePath forms, the application context, the choice of
 * @ohos.request API, and the platform's own errors, each through the emulation to the real server.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request } from '@kit.BasicServicesKit';
import { configure, uploadFile } from '../../src/arkts/index';
import { COPY_DIR } from '../../src/arkts/legacy-transport';
import type { ArkTsBackend } from '../../src/arkts/types';
import type { UploadFileSuccessResult } from '../../src/core/types';
import { BUNDLE_NAME, getSandbox } from '../emulation/sandbox';
import { configureEmulation, emulationStats, resetEmulation } from '../emulation/control';
import { startUploadServer } from '../server/upload-server';
import type { UploadServer, UploadSummary } from '../server/types';

let server: UploadServer;
const sandbox = getSandbox();
const context = sandbox.createContext();

beforeAll(async () => {
  server = await startUploadServer();
  configureEmulation({ progressIntervalMs: 100 });
});
afterAll(async () => {
  await resetEmulation();
  await server.close();
});
afterEach(() => configure({ context, backend: 'auto' }));

async function expectArrived(res: UploadFileSuccessResult, sha256: string): Promise<void> {
  expect(res.statusCode).toBe(200);
  const summary = JSON.parse(res.data) as UploadSummary;
  expect(summary.files[0].sha256).toBe(sha256);
}

describe.each(['agent', 'uploadFile'] as const)('filePath forms on request.%s', (backend: ArkTsBackend) => {
  beforeEach(() => configure({ context, backend }));

  it('a sandbox path under filesDir', async () => {
    const path = `${context.filesDir}/forms/${backend}-plain.bin`;
    const sha = await sandbox.writeFile(path, { size: 70000, seed: 1 });
    await expectArrived(await uploadFile({ url: server.uploadUrl, filePath: path, name: 'file' }), sha);
  });

  it('a file:// URI of the app, percent-encoded', async () => {
    const path = `${context.filesDir}/forms/${backend} with space.bin`;
    const sha = await sandbox.writeFile(path, { size: 5000, seed: 2 });
    const uri = `file://${BUNDLE_NAME}${path.split('/').map(encodeURIComponent).join('/')}`;
    const res = await uploadFile({ url: server.uploadUrl, filePath: uri, name: 'file' });
    await expectArrived(res, sha);
    expect((JSON.parse(res.data) as UploadSummary).files[0].filename).toBe(`${backend} with space.bin`);
  });

  it('internal://cache/..., uploaded in place (no copy) on request.uploadFile', async () => {
    const rel = `forms/${backend}-cached.bin`;
    const sha = await sandbox.writeFile(`${context.cacheDir}/${rel}`, { size: 9 * 1024 * 1024, seed: 3 });
    const task = uploadFile({ url: `${server.uploadUrl}?readBps=${8 * 1024 * 1024}`, filePath: `internal://cache/${rel}`, name: 'file' });
    let copiesSeen = 0;
    task.onProgressUpdate(() => {
      copiesSeen = Math.max(copiesSeen, sandbox.list(`${context.cacheDir}/${COPY_DIR}`).length);
    });
    await expectArrived(await task, sha);
    expect(copiesSeen).toBe(0);
  });

  it('a file outside cacheDir is copied for request.uploadFile, and the copy is deleted afterwards', async () => {
    const path = `${context.filesDir}/forms/${backend}-copied.bin`;
    const sha = await sandbox.writeFile(path, { size: 9 * 1024 * 1024, seed: 4 });
    const task = uploadFile({ url: `${server.uploadUrl}?readBps=${8 * 1024 * 1024}`, filePath: path, name: 'file' });
    let copiesSeen = 0;
    task.onProgressUpdate(() => {
      copiesSeen = Math.max(copiesSeen, sandbox.list(`${context.cacheDir}/${COPY_DIR}`).length);
    });
    await expectArrived(await task, sha);
    expect(copiesSeen).toBe(backend === 'uploadFile' ? 1 : 0);
    await expect.poll(() => sandbox.list(`${context.cacheDir}/${COPY_DIR}`).length).toBe(0);
  });

  it.each([
    ['relative/path.bin', 'uploadFile:fail invalid filePath "relative/path.bin": use a sandbox path such as context.filesDir + \'/a.jpg\', a file:// URI of the app, or internal://cache/<file in cacheDir>'],
    ['internal://cache/../files/x.bin', 'uploadFile:fail invalid filePath "internal://cache/../files/x.bin": use a sandbox path such as context.filesDir + \'/a.jpg\', a file:// URI of the app, or internal://cache/<file in cacheDir>'],
    ['/../../etc/passwd', 'uploadFile:fail invalid filePath "/../../etc/passwd": use a sandbox path such as context.filesDir + \'/a.jpg\', a file:// URI of the app, or internal://cache/<file in cacheDir>'],
    ['/etc/passwd', 'uploadFile:fail file not found: /etc/passwd'],
  ])('refuses %s', async (filePath, errMsg) => {
    await expect(uploadFile({ url: server.uploadUrl, filePath, name: 'file' })).rejects.toEqual({ errMsg });
  });

  it('a directory is not a file', async () => {
    await expect(uploadFile({ url: server.uploadUrl, filePath: context.filesDir, name: 'file' })).rejects.toEqual({
      errMsg: `uploadFile:fail not a file: ${context.filesDir}`,
    });
  });
});

describe('the application context', () => {
  it('without configure({context}), a per-call context, or getContext(), the upload fails clearly', async () => {
    configure({ context: undefined });
    const path = `${context.filesDir}/ctx.bin`;
    await sandbox.writeFile(path, 'x');
    await expect(uploadFile({ url: server.uploadUrl, filePath: path, name: 'file' })).rejects.toEqual({
      errMsg:
        'uploadFile:fail no application context: call configure({ context }) once (for example with this.context in your UIAbility), or pass { context } to uploadFile',
    });
    const res = await uploadFile({ url: server.uploadUrl, filePath: path, name: 'file', context });
    expect(res.statusCode).toBe(200);
  });

  it("falls back to ArkUI's getContext() when the app configured none", async () => {
    configure({ context: undefined });
    const holder = globalThis as { getContext?: () => unknown };
    holder.getContext = () => context;
    try {
      const res = await uploadFile({ url: server.uploadUrl, filePath: `${context.filesDir}/ctx.bin`, name: 'file' });
      expect(res.statusCode).toBe(200);
    } finally {
      delete holder.getContext;
    }
  });

  it('a per-call context that is not a Context is a parameter error', async () => {
    const bad = { cacheDir: 3 } as unknown as typeof context;
    await expect(uploadFile({ url: server.uploadUrl, filePath: `${context.filesDir}/ctx.bin`, name: 'file', context: bad })).rejects.toEqual({
      errMsg: 'uploadFile:fail parameter error: parameter.context should be an application Context (with cacheDir)',
    });
  });
});

describe('choice of @ohos.request API', () => {
  it('auto uses request.agent where it exists (a 201 keeps its status), request.uploadFile where it does not (2xx reads as 200)', async () => {
    const path = `${context.filesDir}/auto.bin`;
    await sandbox.writeFile(path, 'auto');
    configure({ backend: 'auto' });
    const withAgent = await uploadFile({ url: `${server.uploadUrl}?status=201`, filePath: path, name: 'file' });
    expect(withAgent.statusCode).toBe(201);
    const holder = request as unknown as { agent?: unknown };
    const agent = holder.agent;
    holder.agent = undefined;
    try {
      const withoutAgent = await uploadFile({ url: `${server.uploadUrl}?status=201`, filePath: path, name: 'file' });
      expect(withoutAgent.statusCode).toBe(200);
    } finally {
      holder.agent = agent;
    }
  });

  it('refuses an unknown backend at configure time', () => {
    expect(() => configure({ backend: 'http' as ArkTsBackend })).toThrow("backend should be 'auto', 'agent' or 'uploadFile', got http");
  });
});

describe('platform errors become readable reasons', () => {
  it('a URL the platform refuses (longer than 2048 characters) is a parameter error from @ohos.request', async () => {
    const path = `${context.filesDir}/long.bin`;
    await sandbox.writeFile(path, 'x');
    configure({ backend: 'agent' });
    const url = `${server.uploadUrl}?pad=${'a'.repeat(2100)}`;
    const err = (await uploadFile({ url, filePath: path, name: 'file' }).catch((e: unknown) => e)) as { errMsg: string };
    expect(err.errMsg).toMatch(/^uploadFile:fail parameter error \(refused by @ohos\.request\) \(401/);
  });

  it.each(['agent', 'uploadFile'] as const)('a refused connection on request.%s fails with a network reason, and nothing is left running', async (backend) => {
    const path = `${context.filesDir}/refused.bin`;
    await sandbox.writeFile(path, 'x');
    configure({ backend });
    const closed = await startUploadServer();
    const url = closed.uploadUrl;
    await closed.close();
    const err = (await uploadFile({ url, filePath: path, name: 'file', timeout: 20000 }).catch((e: unknown) => e)) as { errMsg: string };
    expect(err.errMsg).toMatch(/^uploadFile:fail (connection failed|network)/);
    await expect.poll(() => emulationStats()).toMatchObject({ agentTasks: 0, uploadTasks: 0, openSockets: 0 });
  });
});
