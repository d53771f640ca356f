/**
 * What is particular to the ArkTS target: the filePath forms, the application context, the choice of
 * engine, and the platform's own errors, each through the emulation to the real server.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from '@kit.BasicServicesKit';
import { http } from '@kit.NetworkKit';
import { configure, uploadFile } from '../../src/arkts/index';
import { COPY_DIR } from '../../src/arkts/staging';
import type { ArkTsBackend } from '../../src/arkts/types';
import type { UploadFileSuccessResult } from '../../src/core/types';
import { BUNDLE_NAME, getSandbox } from '../../emulator/sandbox';
import { configureEmulation, emulationStats, fileCopiesStarted } from '../../emulator/control';
import { runScenario } from '../contract/driver';
import type { Recording } from '../contract/driver';
import { eventOf, kinds } from '../contract/recording';
import { startUploadServer } from '../../server/upload-server';
import type { UploadSummary } from '../../server/types';
import { useArktsTarget } from './target';

const suite = useArktsTarget();
const sandbox = getSandbox();
const context = sandbox.createContext();

afterEach(() => configure({ context, backend: 'auto' }));

let ids = 0;
/** The upload URL with a request id (records are found by it) and the server's behaviour. */
function urlWith(label: string, params: Record<string, string | number> = {}): { id: string; url: string } {
  const id = `${label}-${++ids}`;
  const query = new URLSearchParams({
    id,
    ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
  });
  return { id, url: `${suite.server.uploadUrl}?${query.toString()}` };
}

async function expectArrived(res: UploadFileSuccessResult, sha256: string): Promise<void> {
  expect(res.statusCode).toBe(200);
  const summary = JSON.parse(res.data) as UploadSummary;
  expect(summary.files[0].sha256).toBe(sha256);
}

const INVALID_HINT =
  "use a sandbox path such as context.filesDir + '/a.jpg', a file:// URI of the app or of the media library, or internal://cache/, internal://files/ or internal://temp/<file>";

describe.each(['http', 'agent', 'uploadFile'] as const)('filePath forms on %s', (backend: ArkTsBackend) => {
  beforeEach(() => configure({ context, backend }));

  it('a sandbox path under filesDir', async () => {
    const path = `${context.filesDir}/forms/${backend}-plain.bin`;
    const sha = await sandbox.writeFile(path, { size: 70000, seed: 1 });
    await expectArrived(await uploadFile({ url: suite.server.uploadUrl, filePath: path, name: 'file' }), sha);
  });

  it('a file:// URI of the app, percent-encoded', async () => {
    const path = `${context.filesDir}/forms/${backend} with space.bin`;
    const sha = await sandbox.writeFile(path, { size: 5000, seed: 2 });
    const uri = `file://${BUNDLE_NAME}${path.split('/').map(encodeURIComponent).join('/')}`;
    const res = await uploadFile({ url: suite.server.uploadUrl, filePath: uri, name: 'file' });
    await expectArrived(res, sha);
    expect((JSON.parse(res.data) as UploadSummary).files[0].filename).toBe(`${backend} with space.bin`);
  });

  it('internal://cache/..., uploaded in place (no copy) on request.uploadFile', async () => {
    const rel = `forms/${backend}-cached.bin`;
    const sha = await sandbox.writeFile(`${context.cacheDir}/${rel}`, { size: 9 * 1024 * 1024, seed: 3 });
    const copiesBefore = fileCopiesStarted();
    const task = uploadFile({
      url: `${suite.server.uploadUrl}?readBps=${8 * 1024 * 1024}`,
      filePath: `internal://cache/${rel}`,
      name: 'file',
    });
    let copiesSeen = 0;
    task.onProgressUpdate(() => {
      copiesSeen = Math.max(copiesSeen, sandbox.list(`${context.cacheDir}/${COPY_DIR}`).length);
    });
    await expectArrived(await task, sha);
    expect(copiesSeen).toBe(0);
    expect(fileCopiesStarted()).toBe(copiesBefore);
  });

  it('a file outside cacheDir is copied for request.uploadFile, and the copy is deleted afterwards', async () => {
    const path = `${context.filesDir}/forms/${backend}-copied.bin`;
    const sha = await sandbox.writeFile(path, { size: 9 * 1024 * 1024, seed: 4 });
    const copiesBefore = fileCopiesStarted();
    const task = uploadFile({
      url: `${suite.server.uploadUrl}?readBps=${8 * 1024 * 1024}`,
      filePath: path,
      name: 'file',
    });
    let copiesSeen = 0;
    task.onProgressUpdate(() => {
      copiesSeen = Math.max(copiesSeen, sandbox.list(`${context.cacheDir}/${COPY_DIR}`).length);
    });
    await expectArrived(await task, sha);
    expect(copiesSeen).toBe(backend === 'uploadFile' ? 1 : 0);
    expect(fileCopiesStarted() - copiesBefore).toBe(backend === 'uploadFile' ? 1 : 0);
    await expect.poll(() => sandbox.list(`${context.cacheDir}/${COPY_DIR}`).length).toBe(0);
  });

  it.each([
    [
      'relative/path.bin',
      'uploadFile:fail invalid filePath "relative/path.bin": use a sandbox path such as context.filesDir + \'/a.jpg\', a file:// URI of the app or of the media library, or internal://cache/, internal://files/ or internal://temp/<file>',
    ],
    [
      'internal://cache/../files/x.bin',
      'uploadFile:fail invalid filePath "internal://cache/../files/x.bin": use a sandbox path such as context.filesDir + \'/a.jpg\', a file:// URI of the app or of the media library, or internal://cache/, internal://files/ or internal://temp/<file>',
    ],
    [
      '/../../etc/passwd',
      'uploadFile:fail invalid filePath "/../../etc/passwd": use a sandbox path such as context.filesDir + \'/a.jpg\', a file:// URI of the app or of the media library, or internal://cache/, internal://files/ or internal://temp/<file>',
    ],
    ...[
      'internal://files/../cache/x.bin',
      'internal://temp/../../files/x.bin',
      'internal://temp/',
      'internal://docs/x',
    ].map((filePath) => [filePath, `uploadFile:fail invalid filePath "${filePath}": ${INVALID_HINT}`]),
    ['/etc/passwd', 'uploadFile:fail file not found: /etc/passwd'],
  ])('refuses %s', async (filePath, errMsg) => {
    await expect(uploadFile({ url: suite.server.uploadUrl, filePath, name: 'file' })).rejects.toEqual({ errMsg });
  });

  it('refuses a file:// URI of another app, naming why, even when this app has a file at that path; nothing is sent', async () => {
    const path = `${context.filesDir}/forms/${backend}-mine.jpg`;
    await sandbox.writeFile(path, { size: 2000, seed: 5 });
    const uri = `file://com.someone.else${path}`;
    const { id, url } = urlWith(`authority-${backend}`);
    await expect(uploadFile({ url, filePath: uri, name: 'file' })).rejects.toEqual({
      errMsg: `uploadFile:fail invalid filePath "${uri}": only file:// URIs of this app (file://${BUNDLE_NAME}/...) or of the media library (file://media/...) can be uploaded, not of "com.someone.else"`,
    });
    expect(suite.server.byId(id)).toHaveLength(0);
  });

  it('a file://media/ URI is looked up in the media library, never in the sandbox at its path', async () => {
    const path = `${context.filesDir}/forms/${backend}-not-media.jpg`;
    await sandbox.writeFile(path, { size: 2000, seed: 5 });
    const uri = `file://media${path}`;
    const { id, url } = urlWith(`media-path-${backend}`);
    await expect(uploadFile({ url, filePath: uri, name: 'file' })).rejects.toEqual({
      errMsg: `uploadFile:fail file not found: ${uri}`,
    });
    expect(suite.server.byId(id)).toHaveLength(0);
  });

  it('a context without a bundle name (no applicationInfo) still takes a file:// URI by its path', async () => {
    const path = `${context.filesDir}/forms/${backend}-nobundle.bin`;
    const sha = await sandbox.writeFile(path, { size: 3000, seed: 6 });
    const bare = { ...context, applicationInfo: undefined } as unknown as typeof context;
    await expectArrived(
      await uploadFile({
        url: suite.server.uploadUrl,
        filePath: `file://${BUNDLE_NAME}${path}`,
        name: 'file',
        context: bare,
      }),
      sha,
    );
  });

  it('a directory is not a file', async () => {
    await expect(uploadFile({ url: suite.server.uploadUrl, filePath: context.filesDir, name: 'file' })).rejects.toEqual(
      {
        errMsg: `uploadFile:fail not a file: ${context.filesDir}`,
      },
    );
  });
});

describe('the application context', () => {
  it('without configure({context}), a per-call context, or getContext(), the upload fails clearly', async () => {
    configure({ context: undefined });
    const path = `${context.filesDir}/ctx.bin`;
    await sandbox.writeFile(path, 'x');
    await expect(uploadFile({ url: suite.server.uploadUrl, filePath: path, name: 'file' })).rejects.toEqual({
      errMsg:
        'uploadFile:fail no application context: call configure({ context }) once (for example with this.context in your UIAbility), or pass { context } to uploadFile',
    });
    const res = await uploadFile({ url: suite.server.uploadUrl, filePath: path, name: 'file', context });
    expect(res.statusCode).toBe(200);
  });

  it("falls back to ArkUI's getContext() when the app configured none", async () => {
    configure({ context: undefined });
    const holder = globalThis as { getContext?: () => unknown };
    holder.getContext = () => context;
    try {
      const res = await uploadFile({
        url: suite.server.uploadUrl,
        filePath: `${context.filesDir}/ctx.bin`,
        name: 'file',
      });
      expect(res.statusCode).toBe(200);
    } finally {
      delete holder.getContext;
    }
  });

  it('a per-call context that is not a Context is a parameter error', async () => {
    const bad = { cacheDir: 3 } as unknown as typeof context;
    await expect(
      uploadFile({ url: suite.server.uploadUrl, filePath: `${context.filesDir}/ctx.bin`, name: 'file', context: bad }),
    ).rejects.toEqual({
      errMsg: 'uploadFile:fail parameter error: parameter.context should be an application Context (with cacheDir)',
    });
  });
});

describe('choice of engine', () => {
  /** Hides a platform API for the duration of `run`, as on a system without it. */
  async function without<T>(holder: object, key: string, run: () => Promise<T>): Promise<T> {
    const h = holder as Record<string, unknown>;
    const saved = h[key];
    h[key] = undefined;
    try {
      return await run();
    } finally {
      h[key] = saved;
    }
  }

  it('auto uses @ohos.net.http (the body of a 404 arrives), request.agent without it (a 201 keeps its status), request.uploadFile without both (2xx reads as 200)', async () => {
    const path = `${context.filesDir}/auto.bin`;
    await sandbox.writeFile(path, 'auto');
    configure({ backend: 'auto' });
    const notFound = await uploadFile({
      url: `${suite.server.uploadUrl}?status=404&body=gone`,
      filePath: path,
      name: 'file',
    });
    expect(notFound).toMatchObject({ statusCode: 404, data: 'gone' });
    const created = `${suite.server.uploadUrl}?status=201`;
    await without(http, 'createHttp', async () => {
      expect((await uploadFile({ url: created, filePath: path, name: 'file' })).statusCode).toBe(201);
      await without(request, 'agent', async () => {
        expect((await uploadFile({ url: created, filePath: path, name: 'file' })).statusCode).toBe(200);
      });
    });
  });

  it('auto, several files, without @ohos.net.http: refused (no other engine sends them in one request); one entry goes by request.agent', async () => {
    const path = `${context.filesDir}/auto-files.bin`;
    await sandbox.writeFile(path, 'auto files');
    configure({ backend: 'auto' });
    const files = [
      { name: 'a', filePath: path },
      { name: 'b', filePath: path },
    ];
    await without(http, 'createHttp', async () => {
      const url = `${suite.server.uploadUrl}?id=auto-files-refused`;
      await expect(uploadFile({ url, files })).rejects.toEqual({
        errMsg:
          'uploadFile:fail parameter error: parameter.files lists 2 files, and only @ohos.net.http sends several files in one request, which this system does not have',
      });
      expect(suite.server.byId('auto-files-refused')).toEqual([]);
      // request.agent: a 201 keeps its status.
      const one = await uploadFile({ url: `${suite.server.uploadUrl}?status=201`, files: [files[0]] });
      expect(one.statusCode).toBe(201);
    });
  });

  it('refuses an unknown backend at configure time', () => {
    expect(() => configure({ backend: 'curl' as ArkTsBackend })).toThrow(
      "backend should be 'auto', 'http', 'agent' or 'uploadFile', got curl",
    );
  });

  it('a configure() that throws changes nothing: the context and the backend it was given are not applied', async () => {
    configure({ context, backend: 'agent' });
    expect(() => configure({ context: undefined, backend: 'uploadFile', maxConcurrent: 0 })).toThrow(
      'maxConcurrent should be an integer >= 1, got 0',
    );
    const path = `${context.filesDir}/configure-kept.bin`;
    await sandbox.writeFile(path, { size: 8 * 1024 * 1024, seed: 4 });
    const { url } = urlWith('configure-kept', { readBps: 4 * 1024 * 1024 });
    const task = uploadFile({ url, filePath: path, name: 'file' });
    // Still request.agent (request.uploadFile would have made a copy of a file outside cacheDir): one agent task.
    await expect.poll(() => emulationStats().agentTasks, { timeout: 5000 }).toBe(1);
    expect((await task).statusCode).toBe(200);
  });
});

describe('platform tasks are removed', () => {
  it('even when Task.off() throws: request.agent.remove(tid) comes first', async () => {
    const path = `${context.filesDir}/off-throws.bin`;
    await sandbox.writeFile(path, 'x');
    configure({ context, backend: 'agent' });
    const agent = request.agent as { create: unknown };
    const create = request.agent.create;
    agent.create = async (ctx: Parameters<typeof create>[0], config: Parameters<typeof create>[1]) => {
      const task = await create(ctx, config);
      task.off = () => {
        throw new Error('off() refused');
      };
      return task;
    };
    try {
      const res = await uploadFile({ url: suite.server.uploadUrl, filePath: path, name: 'file' });
      expect(res.statusCode).toBe(200);
      await expect.poll(() => emulationStats().agentTasks).toBe(0);
    } finally {
      agent.create = create;
    }
  });
});

describe('platform errors become readable reasons', () => {
  it('a URL the platform refuses (longer than 2048 characters) is a parameter error from @ohos.request', async () => {
    const path = `${context.filesDir}/long.bin`;
    await sandbox.writeFile(path, 'x');
    configure({ backend: 'agent' });
    const url = `${suite.server.uploadUrl}?pad=${'a'.repeat(2100)}`;
    const err = (await uploadFile({ url, filePath: path, name: 'file' }).catch((e: unknown) => e)) as {
      errMsg: string;
    };
    expect(err.errMsg).toMatch(/^uploadFile:fail parameter error \(refused by @ohos\.request\) \(401/);
  });

  it.each(['http', 'agent', 'uploadFile'] as const)(
    'a refused connection on %s fails with a network reason, and nothing is left running',
    async (backend) => {
      const path = `${context.filesDir}/refused.bin`;
      await sandbox.writeFile(path, 'x');
      configure({ backend });
      const closed = await startUploadServer();
      const url = closed.uploadUrl;
      await closed.close();
      const err = (await uploadFile({ url, filePath: path, name: 'file', timeout: 20000 }).catch(
        (e: unknown) => e,
      )) as { errMsg: string };
      expect(err.errMsg).toMatch(/^uploadFile:fail (connection failed|network)/);
      await expect
        .poll(() => emulationStats())
        .toMatchObject({ agentTasks: 0, uploadTasks: 0, httpRequests: 0, httpTransfers: 0, openSockets: 0 });
    },
  );
});

/**
 * The request service sends no `response` event for a status without a canonical reason phrase (522, 499,
 * 299; the emulation's agent-task.ts onResponse), so request.agent's statusCode and headers must come from
 * elsewhere: a 3xx/4xx/5xx fails the task with reason 17 "Http protocol error" (agent.show()), the text of
 * which names the status on newer firmware; a 2xx completes with the headers in Progress.extras.
 */
describe('request.agent: statuses without a reason phrase (no response event)', () => {
  beforeEach(() => configure({ context, backend: 'agent' }));
  afterEach(() => configureEmulation({ statusInProtocolError: false }));

  async function upload(
    label: string,
    params: Record<string, string | number>,
    retry?: { count: number; backoff: number },
  ): Promise<{ id: string; r: Recording }> {
    const path = `${context.filesDir}/nophrase/${label}.bin`;
    await sandbox.writeFile(path, { size: 20000, seed: 7 });
    const { id, url } = urlWith(label, params);
    const r = await runScenario(uploadFile, { options: { url, filePath: path, name: 'file', retry }, settleMs: 300 });
    return { id, r };
  }

  it.each([522, 499])(
    'a %i on firmware that does not name it: one clear failure, not retried, the file sent once',
    async (status) => {
      const { id, r } = await upload(`old-${status}`, { status, body: 'origin down' }, { count: 2, backoff: 10 });
      expect(suite.server.byId(id)).toHaveLength(1);
      expect(kinds(r, { except: ['progress', 'returned'] })).toEqual(['fail', 'complete', 'rejected']);
      expect(eventOf(r, 'fail').result.errMsg).toBe(
        'uploadFile:fail http error: the server answered with an error status; request.agent does not say which (17 Http protocol error)',
      );
      await expect.poll(() => emulationStats()).toMatchObject({ agentTasks: 0, openSockets: 0 });
    },
  );

  it.each([522, 499])(
    'a %i on firmware that names it ("Http protocol error: <status>"): a success with that statusCode, no body, one headers event, sent once',
    async (status) => {
      configureEmulation({ statusInProtocolError: true });
      const { id, r } = await upload(`new-${status}`, { status, body: 'origin down' }, { count: 2, backoff: 10 });
      expect(suite.server.byId(id)).toHaveLength(1);
      expect(kinds(r, { except: ['progress', 'returned'] })).toEqual(['headers', 'success', 'complete', 'resolved']);
      expect(eventOf(r, 'success').result).toEqual({
        statusCode: status,
        data: '',
        header: {},
        errMsg: 'uploadFile:ok',
      });
    },
  );

  it.each([false, true])(
    'a 299: a success with the body and the response headers (from Progress.extras, nested: %s), statusCode 200 as nothing tells it',
    async (nestedExtras) => {
      configureEmulation({ nestedExtras });
      const { r } = await upload(`ok-299-${nestedExtras}`, { status: 299, body: 'fine', 'header.X-Marker': 'here' });
      expect(kinds(r, { except: ['progress', 'returned'] })).toEqual(['headers', 'success', 'complete', 'resolved']);
      const result = eventOf(r, 'success').result;
      expect(result).toMatchObject({ statusCode: 200, data: 'fine', errMsg: 'uploadFile:ok' });
      expect(result.header).toMatchObject({
        'x-marker': 'here',
        'content-type': 'text/plain; charset=utf-8',
        'content-length': '4',
      });
      expect(result.header).not.toHaveProperty('body');
      expect(eventOf(r, 'headers').header).toEqual(result.header);
      configureEmulation({ nestedExtras: false });
    },
  );

  it('a connection closed after the body, before any answer (reason 14 "Request error"), is still retried as asked', async () => {
    const { id, r } = await upload('request-error', { largeHeadersBytes: 1024 * 1024 }, { count: 2, backoff: 10 });
    expect(suite.server.byId(id)).toHaveLength(3);
    expect(eventOf(r, 'fail').result.errMsg).toBe('uploadFile:fail http protocol error (Request error)');
  });
});

describe('request.uploadFile: a 3xx/4xx/5xx on firmware that names the status in "Http protocol error: <status> ..."', () => {
  beforeEach(() => configure({ context, backend: 'uploadFile' }));
  afterEach(() => configureEmulation({ statusInProtocolError: false }));

  it.each([404, 522])('a %i is a success with that statusCode and no body', async (status) => {
    configureEmulation({ statusInProtocolError: true });
    const path = `${context.cacheDir}/named-${status}.bin`;
    await sandbox.writeFile(path, 'x');
    const { id, url } = urlWith(`legacy-${status}`, { status, body: 'nope' });
    const r = await runScenario(uploadFile, {
      options: { url, filePath: path, name: 'file', retry: { count: 2, backoff: 10 } },
      settleMs: 300,
    });
    expect(kinds(r, { except: ['progress', 'returned'] })).toEqual(['headers', 'success', 'complete', 'resolved']);
    expect(eventOf(r, 'success').result).toEqual({ statusCode: status, data: '', header: {}, errMsg: 'uploadFile:ok' });
    expect(suite.server.byId(id)).toHaveLength(1);
  });
});
