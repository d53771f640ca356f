/**
 * The upload contract, written once as a list of cases that every target runs: the ArkTS target over
 * the @ohos.request emulation, the page path in Chromium, and the bridge.
 * Each case drives uploads through runScenario (driver.ts) and checks what a user would notice:
 * the bytes the server received, the events in the order they were seen, the exact errMsg.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import type { UploadRecord, UploadServer } from '../../server/types';
import type { Recording, Scenario } from './driver';
import { eventOf, expectFailure, expectSuccess, headersOf, kinds, progressOf } from './recording';

export interface TargetFile {
  /** The value to pass as options.filePath on this target. */
  filePath: unknown;
  sha256: string;
  size: number;
}

export interface ContractTarget {
  readonly name: string;
  readonly server: UploadServer;
  /** What the platform lets the library see of an error response (4xx/5xx). */
  readonly errorResponses: {
    /** 'success': a success with the status; 'withheld': a fail that says the platform withholds it. */
    status: 'success' | 'withheld';
    /** The body of an error response reaches `data`. */
    body: boolean;
  };
  /** A form field with an empty value reaches the server (default true; @ohos.net.http refuses to send one). */
  readonly emptyFormFields?: boolean;
  /**
   * abort() mid-upload closes the connection at once, so the server sees the body break off (default true).
   * false where the platform sends the body on until the server answers (@ohos.net.http).
   */
  readonly abortEndsTransfer?: boolean;
  /**
   * The same for an upload of several files (default: abortEndsTransfer). false on the native targets,
   * where only @ohos.net.http sends several files in one request, whatever the backend ('auto' included).
   */
  readonly abortEndsSeveralFiles?: boolean;
  /**
   * The types the target's filePath accepts, as its parameter errors name them: 'String' (the default)
   * where it is a path, 'String or Blob' where web data (Blob, File) is accepted too.
   */
  readonly filePathTypes?: string;
  file(size: number, name?: string): Promise<TargetFile>;
  /** A filePath that does not exist, and the errMsg the target gives for it. */
  missingFile(): { filePath: unknown; errMsg: string };
  run(scenario: Scenario): Promise<Recording>;
  /** Runs the scenarios at once in the target. */
  runMany(scenarios: Scenario[]): Promise<Recording[]>;
  /**
   * Runs the scenarios one after another in the target, each once the one before has settled, and gives
   * all the recordings at the end (for a page: one call into it, not one per upload).
   */
  runInSequence(scenarios: Scenario[]): Promise<Recording[]>;
  configure(settings: { maxConcurrent?: number }): Promise<void>;
  /** Unhandled promise rejections seen in the target since the last call. */
  takeUnhandledRejections(): Promise<number>;
  /** Every resource count that must return to zero when no upload runs (tasks, listeners, sockets, files). */
  leaks(): Promise<Record<string, number>>;
}

/** What every use<Target>() hook returns: the target and its upload server, and what else the target is made of. */
export interface TargetSuite<T extends ContractTarget = ContractTarget> {
  target: T;
  server: UploadServer;
}

/**
 * Registers a describe block's hooks for a target: `start` fills the suite in (beforeAll); `stop` tears
 * down what was started (afterAll), also after a `start` that failed part way. Returns the suite.
 */
export function useSuite<S extends TargetSuite>(hooks: {
  start(suite: S): Promise<void>;
  stop(suite: Partial<S>): Promise<void>;
}): S {
  const suite = {} as S;
  beforeAll(() => hooks.start(suite));
  afterAll(() => hooks.stop(suite));
  return suite;
}

export interface ContractCase {
  name: string;
  run(target: ContractTarget): Promise<void>;
}

let ids = 0;
export function uniqueId(label: string): string {
  ids += 1;
  return `${label}-${Date.now().toString(36)}-${ids}`;
}

export function urlFor(server: UploadServer, params: Record<string, string | number> = {}): string {
  const q = Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return q ? `${server.uploadUrl}?${q}` : server.uploadUrl;
}

function expectProgressSane(r: Recording, size: number, success: boolean): void {
  const p = progressOf(r);
  for (let i = 0; i < p.length; i++) {
    expect(Number.isInteger(p[i].progress)).toBe(true);
    expect(p[i].progress).toBeGreaterThanOrEqual(0);
    expect(p[i].progress).toBeLessThanOrEqual(100);
    expect(p[i].expected).toBe(size);
    expect(p[i].sent).toBeLessThanOrEqual(size);
    if (i > 0) {
      expect(p[i].progress).toBeGreaterThan(p[i - 1].progress);
      expect(p[i].sent).toBeGreaterThan(p[i - 1].sent);
    }
  }
  if (success) {
    expect(p.length).toBeGreaterThan(0);
    expect(p[p.length - 1]).toMatchObject({ progress: 100, sent: size, expected: size });
    expect(p.slice(0, -1).every((e) => e.progress < 100)).toBe(true);
  }
}

/** Nothing of this upload arrived at the server, 300 ms on. */
export async function expectNeverReached(server: UploadServer, id: string): Promise<void> {
  await new Promise((r) => setTimeout(r, 300));
  expect(server.byId(id)).toEqual([]);
}

/** Every count of `leaks()` back at zero within `withinMs` (a platform lets go of some things late); the counts. */
export async function expectNothingLeft(t: ContractTarget, withinMs = 3000): Promise<Record<string, number>> {
  const deadline = Date.now() + withinMs;
  let leaks = await t.leaks();
  while (Object.values(leaks).some((n) => n !== 0) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    leaks = await t.leaks();
  }
  for (const [k, v] of Object.entries(leaks)) expect(v, k).toBe(0);
  return leaks;
}

async function expectServerSawAbort(server: UploadServer, id: string): Promise<UploadRecord> {
  const record = await server.waitFor((r) => r.id === id && r.closedAt !== undefined, 5000);
  expect(record.clientAborted).toBe(true);
  expect(record.bodyComplete).toBe(false);
  return record;
}

/**
 * Slow enough for several progress events (the targets report at most one every 100 ms) and a moment to
 * abort in (about 1 s). Loopback socket buffers swallow the first few MB at once, as a device's would,
 * hence a file well above that.
 */
const sizeForSlowUpload = 16 * 1024 * 1024;
const slowParams = { readBps: 16 * 1024 * 1024 };

export const badCases = (filePathTypes: string): Array<{ bad: NonNullable<Scenario['bad']>; errMsg: string }> => [
  { bad: 'optionsUndefined', errMsg: 'uploadFile:fail parameter error: options should be Object instead of Undefined' },
  { bad: 'optionsString', errMsg: 'uploadFile:fail parameter error: options should be Object instead of String' },
  { bad: 'optionsArray', errMsg: 'uploadFile:fail parameter error: options should be Object instead of Array' },
  { bad: 'urlMissing', errMsg: 'uploadFile:fail parameter error: parameter.url should be String instead of Undefined' },
  { bad: 'urlNumber', errMsg: 'uploadFile:fail parameter error: parameter.url should be String instead of Number' },
  {
    bad: 'urlFtp',
    errMsg: 'uploadFile:fail invalid url: only http and https are supported, not ftp: in "ftp://127.0.0.1/upload"',
  },
  { bad: 'urlRelative', errMsg: 'uploadFile:fail invalid url: "/upload" is not an absolute http(s) URL' },
  { bad: 'urlSpace', errMsg: 'uploadFile:fail invalid url: "http://127.0.0.1/up load" is not a valid http(s) URL' },
  {
    bad: 'filePathMissing',
    errMsg: `uploadFile:fail parameter error: parameter.filePath should be ${filePathTypes} instead of Undefined`,
  },
  {
    bad: 'nameMissing',
    errMsg: 'uploadFile:fail parameter error: parameter.name should be String instead of Undefined',
  },
  { bad: 'nameEmpty', errMsg: 'uploadFile:fail parameter error: parameter.name should be a non-empty String' },
  {
    bad: 'headerString',
    errMsg: 'uploadFile:fail parameter error: parameter.header should be Object instead of String',
  },
  {
    bad: 'headerCrlfValue',
    errMsg: 'uploadFile:fail parameter error: parameter.header["X-A"] contains CR, LF or another control character',
  },
  {
    bad: 'headerCrlfName',
    errMsg:
      'uploadFile:fail parameter error: parameter.header["X-A\\r\\nX-B"] contains CR, LF or another control character',
  },
  {
    bad: 'headerBadName',
    errMsg: 'uploadFile:fail parameter error: parameter.header has an invalid header name "X A"',
  },
  {
    bad: 'formDataArray',
    errMsg: 'uploadFile:fail parameter error: parameter.formData should be Object instead of Array',
  },
  {
    bad: 'timeoutString',
    errMsg: 'uploadFile:fail parameter error: parameter.timeout should be Number instead of String',
  },
  {
    bad: 'timeoutNegative',
    errMsg:
      'uploadFile:fail parameter error: parameter.timeout should be between 1 and 2147483647 milliseconds, got -1',
  },
  {
    bad: 'fileNameNumber',
    errMsg: 'uploadFile:fail parameter error: parameter.fileName should be String instead of Number',
  },
  {
    bad: 'withCredentialsString',
    errMsg: 'uploadFile:fail parameter error: parameter.withCredentials should be Boolean instead of String',
  },
  { bad: 'urlGetterThrows', errMsg: 'uploadFile:fail parameter error: options cannot be read: no url today' },
];

export const contractCases: ContractCase[] = [
  {
    name: 'uploads the file: the server receives the same bytes, the fields and the request headers',
    async run(t) {
      const file = await t.file(300 * 1024 + 17, 'photo.jpg');
      const id = uniqueId('bytes');
      const empty = t.emptyFormFields === false ? {} : { empty: '' };
      const r = await t.run({
        options: {
          url: urlFor(t.server, { id }),
          filePath: file.filePath,
          name: 'upload',
          fileName: 'photo.jpg',
          header: { 'X-Custom': 'hello', 'X-Number': 7 },
          formData: {
            text: 'héllo wörld',
            count: 2,
            flag: true,
            nested: { a: [1, 'x'] },
            ...empty,
            lines: 'a\nb\rc\r\nd',
          },
        },
      });
      expectSuccess(r);
      const rec = await t.server.waitFor((x) => x.id === id && x.responded);
      expect(rec.method).toBe('POST');
      expect(rec.summary?.files).toEqual([
        { field: 'upload', filename: 'photo.jpg', contentType: 'image/jpeg', size: file.size, sha256: file.sha256 },
      ]);
      // Line breaks in fields travel as CRLF on every target, as browsers send them.
      expect(rec.summary?.fields).toEqual({
        text: 'héllo wörld',
        count: '2',
        flag: 'true',
        nested: '{"a":[1,"x"]}',
        ...empty,
        lines: 'a\r\nb\r\nc\r\nd',
      });
      expect(rec.headers['x-custom']).toBe('hello');
      expect(rec.headers['x-number']).toBe('7');
      expect(String(rec.headers['content-type'])).toMatch(/^multipart\/form-data; ?boundary=/);
    },
  },
  {
    name: 'success result: data is the raw body, statusCode, header, errMsg uploadFile:ok',
    async run(t) {
      const file = await t.file(2048, 'a.txt');
      const id = uniqueId('result');
      const r = await t.run({
        options: { url: urlFor(t.server, { id, 'header.X-Extra': 'yes' }), filePath: file.filePath, name: 'file' },
      });
      const res = expectSuccess(r);
      expect(res.errMsg).toBe('uploadFile:ok');
      expect(res.statusCode).toBe(200);
      expect(typeof res.data).toBe('string');
      const body = JSON.parse(res.data) as { files: Array<{ sha256: string }> };
      expect(body.files[0].sha256).toBe(file.sha256);
      expect(res.header['x-extra']).toBe('yes');
      expect(res.header['content-type']).toBe('application/json; charset=utf-8');
      // The promise resolves with the same result, not with the task.
      expect(eventOf(r, 'resolved').result).toEqual(res);
      expect(Object.keys(res).sort()).toEqual(['data', 'errMsg', 'header', 'statusCode']);
    },
  },
  {
    name: 'events in order: progress rising to 100 last, one headers event before success, complete, then the promise',
    async run(t) {
      const file = await t.file(sizeForSlowUpload, 'slow.bin');
      const r = await t.run({
        options: {
          url: urlFor(t.server, { ...slowParams, id: uniqueId('order') }),
          filePath: file.filePath,
          name: 'file',
        },
      });
      expectSuccess(r);
      expectProgressSane(r, file.size, true);
      expect(progressOf(r).length).toBeGreaterThanOrEqual(3);
      const k = kinds(r, { except: ['returned'] });
      expect(k.filter((x) => x === 'headers')).toHaveLength(1);
      const headersAt = k.indexOf('headers');
      const lastProgressAt = k.lastIndexOf('progress');
      // 100 % means the server's answer is in: it follows the headers, right before success.
      expect(k.slice(headersAt)).toEqual(['headers', 'progress', 'success', 'complete', 'resolved']);
      expect(lastProgressAt).toBe(headersAt + 1);
      const h = headersOf(r)[0];
      expect(h.header['content-type']).toBe('application/json; charset=utf-8');
      expect(kinds(r)[0]).toBe('returned');
    },
  },
  {
    name: 'a small file: one progress event, 100 with sent == expected',
    async run(t) {
      const file = await t.file(10, 'tiny.txt');
      const r = await t.run({ options: { url: urlFor(t.server), filePath: file.filePath, name: 'file' } });
      expectSuccess(r);
      expectProgressSane(r, file.size, true);
    },
  },
  {
    name: 'an empty file uploads, and its one progress event is 100 with 0 of 0 bytes',
    async run(t) {
      const file = await t.file(0, 'empty.txt');
      const id = uniqueId('empty');
      const r = await t.run({ options: { url: urlFor(t.server, { id }), filePath: file.filePath, name: 'file' } });
      expectSuccess(r);
      expect(progressOf(r)).toEqual([{ kind: 'progress', progress: 100, sent: 0, expected: 0, listener: 'p1' }]);
      const rec = await t.server.waitFor((x) => x.id === id && x.responded);
      expect(rec.summary?.files[0].size).toBe(0);
    },
  },
  {
    name: 'abort mid-upload: fail with uploadFile:fail abort, complete once, nothing after, the server sees the connection end',
    async run(t) {
      const file = await t.file(sizeForSlowUpload, 'abort.bin');
      const id = uniqueId('abort-mid');
      const r = await t.run({
        options: { url: urlFor(t.server, { ...slowParams, id }), filePath: file.filePath, name: 'file' },
        abort: { atPercent: 10 },
        settleMs: 500,
      });
      expectFailure(r, 'uploadFile:fail abort');
      expect(kinds(r, { only: ['complete'] })).toHaveLength(1);
      expect(kinds(r).indexOf('aborted')).toBeLessThan(kinds(r).indexOf('fail'));
      if (t.abortEndsTransfer === false) await t.server.waitFor((x) => x.id === id && x.closedAt !== undefined, 15000);
      else await expectServerSawAbort(t.server, id);
    },
  },
  {
    name: 'abort before the upload starts: it never reaches the server',
    async run(t) {
      const file = await t.file(4096, 'early.bin');
      const id = uniqueId('abort-sync');
      const r = await t.run({
        options: { url: urlFor(t.server, { id }), filePath: file.filePath, name: 'file' },
        abort: 'sync',
        abortTwice: true,
      });
      expectFailure(r, 'uploadFile:fail abort');
      expect(kinds(r, { only: ['progress', 'headers'] })).toEqual([]);
      await expectNeverReached(t.server, id);
    },
  },
  {
    name: 'abort while queued: the waiting upload fails with abort and never starts; the running one completes',
    async run(t) {
      await t.configure({ maxConcurrent: 1 });
      try {
        const file = await t.file(200 * 1024, 'queued.bin');
        const first = uniqueId('queue-first');
        const second = uniqueId('queue-second');
        const [a, b] = await t.runMany([
          {
            options: {
              url: urlFor(t.server, { id: first, readBps: 400 * 1024 }),
              filePath: file.filePath,
              name: 'file',
            },
          },
          {
            options: { url: urlFor(t.server, { id: second }), filePath: file.filePath, name: 'file' },
            abort: { afterMs: 100 },
          },
        ]);
        expectSuccess(a);
        expectFailure(b, 'uploadFile:fail abort');
        expect(kinds(b, { only: ['progress', 'headers'] })).toEqual([]);
        await expectNeverReached(t.server, second);
      } finally {
        await t.configure({ maxConcurrent: 10 });
      }
    },
  },
  {
    name: 'abort after completion is a no-op: one success, one complete, no fail',
    async run(t) {
      const file = await t.file(1024, 'done.bin');
      const r = await t.run({
        options: { url: urlFor(t.server), filePath: file.filePath, name: 'file' },
        abort: 'afterOutcome',
        abortTwice: true,
        settleMs: 300,
      });
      expectSuccess(r);
      expect(kinds(r).slice(-1)).toEqual(['aborted']);
    },
  },
  {
    name: 'abort when the headers arrive: the upload fails with abort, no success',
    async run(t) {
      const file = await t.file(1024, 'hdr.bin');
      const r = await t.run({
        options: { url: urlFor(t.server, { delayBodyMs: 500 }), filePath: file.filePath, name: 'file' },
        abort: 'headers',
      });
      // Whether the platform reports headers before the body depends on the platform; when it does, abort wins.
      if (kinds(r).includes('aborted')) {
        expectFailure(r, 'uploadFile:fail abort');
      } else {
        expectSuccess(r);
      }
    },
  },
  {
    name: 'timeout: a server that stops reading ends with uploadFile:fail timeout, and the connection is closed',
    async run(t) {
      const file = await t.file(256 * 1024, 'stall.bin');
      const id = uniqueId('timeout');
      const r = await t.run({
        options: { url: urlFor(t.server, { id, stallAfter: 0 }), filePath: file.filePath, name: 'file', timeout: 1200 },
        settleMs: 300,
      });
      expectFailure(r, 'uploadFile:fail timeout');
      expect(r.elapsedMs).toBeGreaterThanOrEqual(1100);
      expect(r.elapsedMs).toBeLessThan(1200 + 1500);
      const rec = await t.server.waitFor((x) => x.id === id && x.closedAt !== undefined, 5000);
      expect(rec.responded).toBe(false);
    },
  },
  ...[404, 503].map(
    (status): ContractCase => ({
      name: `HTTP ${status}: reported as the platform allows (a success with statusCode where it can see it)`,
      async run(t) {
        const file = await t.file(1024, 'err.bin');
        const body = `{"error":"status ${status}"}`;
        const r = await t.run({
          options: { url: urlFor(t.server, { status, body }), filePath: file.filePath, name: 'file' },
        });
        if (t.errorResponses.status === 'success') {
          const result = expectSuccess(r);
          expect(result.statusCode).toBe(status);
          expect(result.errMsg).toBe('uploadFile:ok');
          expect(result.data).toBe(t.errorResponses.body ? body : '');
          expect(headersOf(r)).toHaveLength(1);
        } else {
          expectFailure(r, /^uploadFile:fail http error/);
        }
      },
    }),
  ),
  {
    name: 'bad options: fail, complete and a rejected promise, with an errMsg that names the problem; nothing is sent',
    async run(t) {
      const file = await t.file(16, 'bad.txt');
      for (const c of badCases(t.filePathTypes ?? 'String')) {
        const id = uniqueId(`bad-${c.bad}`);
        const r = await t.run({
          options: { url: urlFor(t.server, { id }), filePath: file.filePath, name: 'file' },
          bad: c.bad,
          settleMs: 0,
        });
        if (c.bad.startsWith('options')) {
          // No options object: no callbacks can be called, the promise still rejects.
          expect(kinds(r, { except: ['returned'] }), c.bad).toEqual(['rejected']);
          expect(eventOf(r, 'rejected').result, c.bad).toEqual({ errMsg: c.errMsg });
        } else {
          expectFailure(r, c.errMsg);
        }
        expect(byIdCount(t.server, id), c.bad).toBe(0);
      }
      // A callback that is not a function is the reported problem, and the others still run.
      const r = await t.run({
        options: { url: urlFor(t.server), filePath: file.filePath, name: 'file' },
        bad: 'successNotFunction',
        settleMs: 0,
      });
      expectFailure(r, 'uploadFile:fail parameter error: parameter.success should be Function instead of String');
    },
  },
  {
    name: 'a missing file: uploadFile:fail file not found: <path>',
    async run(t) {
      const missing = t.missingFile();
      const r = await t.run({ options: { url: urlFor(t.server), filePath: missing.filePath, name: 'file' } });
      expectFailure(r, missing.errMsg);
    },
  },
  {
    name: 'listeners: the same function registered twice is called once per event',
    async run(t) {
      const file = await t.file(sizeForSlowUpload, 'dup.bin');
      const r = await t.run({
        options: { url: urlFor(t.server, slowParams), filePath: file.filePath, name: 'file' },
        listeners: 'duplicate',
      });
      expectSuccess(r);
      expectProgressSane(r, file.size, true);
      expect(headersOf(r)).toHaveLength(1);
    },
  },
  {
    name: 'listeners: off(fn) removes that one, off() removes all',
    async run(t) {
      const file = await t.file(sizeForSlowUpload, 'off.bin');
      const one = await t.run({
        options: { url: urlFor(t.server, slowParams), filePath: file.filePath, name: 'file' },
        listeners: 'offOne',
      });
      expectSuccess(one);
      expect(progressOf(one, 'p1').length).toBeGreaterThan(1);
      expect(progressOf(one, 'p2')).toEqual([]);
      expect(headersOf(one, 'h1')).toHaveLength(1);
      expect(headersOf(one, 'h2')).toEqual([]);
      const all = await t.run({
        options: { url: urlFor(t.server), filePath: file.filePath, name: 'file' },
        listeners: 'offAll',
      });
      expectSuccess(all);
      expect(kinds(all, { only: ['progress', 'headers'] })).toEqual([]);
    },
  },
  {
    name: 'listeners: one that throws does not stop the others nor the upload',
    async run(t) {
      const file = await t.file(sizeForSlowUpload, 'throw.bin');
      const r = await t.run({
        options: { url: urlFor(t.server, slowParams), filePath: file.filePath, name: 'file' },
        listeners: 'throwing',
      });
      expectSuccess(r);
      expectProgressSane(r, file.size, true);
      expect(headersOf(r)).toHaveLength(1);
    },
  },
  {
    name: 'listeners: removing and adding during a dispatch is safe (removed ones are not called, added ones from the next event)',
    async run(t) {
      const file = await t.file(sizeForSlowUpload, 'mutate.bin');
      const r = await t.run({
        options: { url: urlFor(t.server, slowParams), filePath: file.filePath, name: 'file' },
        listeners: 'mutateDuringDispatch',
      });
      expectSuccess(r);
      const p1 = progressOf(r, 'p1');
      const p3 = progressOf(r, 'p3');
      expect(progressOf(r, 'p2')).toEqual([]);
      expect(p1.length).toBeGreaterThan(1);
      // p3 was added during the first event: it sees every later one.
      expect(p3.map((e) => e.progress)).toEqual(p1.slice(1).map((e) => e.progress));
    },
  },
  {
    name: 'listeners added after the outcome are never called',
    async run(t) {
      const file = await t.file(1024, 'late.bin');
      const r = await t.run({
        options: { url: urlFor(t.server), filePath: file.filePath, name: 'file' },
        listeners: 'afterOutcome',
        settleMs: 300,
      });
      expectSuccess(r);
      expect(kinds(r, { only: ['progress', 'headers'] })).toEqual([]);
    },
  },
  {
    name: 'promise form: resolves with the result; with fail/complete callbacks an abort leaves no unhandled rejection',
    async run(t) {
      const file = await t.file(1024, 'promise.bin');
      await t.takeUnhandledRejections();
      const ok = await t.run({
        options: { url: urlFor(t.server), filePath: file.filePath, name: 'file' },
        callbacks: false,
      });
      expect(kinds(ok, { except: ['returned', 'progress', 'headers'] })).toEqual(['resolved']);
      const aborted = await t.run({
        options: { url: urlFor(t.server), filePath: file.filePath, name: 'file' },
        abort: 'sync',
        settleMs: 300,
      });
      expectFailure(aborted, 'uploadFile:fail abort');
      expect(await t.takeUnhandledRejections()).toBe(0);
    },
  },
  {
    name: '100 uploads at once: never more than 10 on the wire, all arrive intact',
    async run(t) {
      const file = await t.file(64 * 1024, 'many.bin');
      const tag = uniqueId('many');
      const scenarios: Scenario[] = Array.from({ length: 100 }, (_, i) => ({
        options: {
          url: urlFor(t.server, { id: `${tag}-${i}`, readBps: 512 * 1024 }),
          filePath: file.filePath,
          name: 'file',
          formData: { i },
        },
        listeners: 'none',
        settleMs: 0,
        // The last ones wait for the 90 before them: allow for a busy machine before calling it a hang.
        hangMs: 45000,
      }));
      const results = await t.runMany(scenarios);
      for (const r of results) expectSuccess(r);
      const records = t.server.records.filter((x) => x.id.startsWith(`${tag}-`));
      expect(records).toHaveLength(100);
      for (const rec of records) expect(rec.summary?.files[0].sha256).toBe(file.sha256);
      expect(maxOverlap(records)).toBeLessThanOrEqual(10);
      expect(maxOverlap(records)).toBeGreaterThanOrEqual(5);
    },
  },
  {
    name: 'afterwards nothing is left behind: no tasks, listeners, sockets or temporary files',
    async run(t) {
      await expectNothingLeft(t);
    },
  },
];

function byIdCount(server: UploadServer, id: string): number {
  return server.byId(id).length;
}

/** The largest number of requests whose lifetimes overlap. */
export function maxOverlap(records: readonly UploadRecord[]): number {
  const points: Array<[number, number]> = [];
  for (const r of records) {
    points.push([r.startedAt, 1]);
    points.push([r.endedAt ?? Number.MAX_SAFE_INTEGER, -1]);
  }
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0;
  let max = 0;
  for (const [, d] of points) {
    cur += d;
    max = Math.max(max, cur);
  }
  return max;
}
