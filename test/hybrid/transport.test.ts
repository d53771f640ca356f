/**
 * The page path's XMLHttpRequest transport in Chromium, from the page's own origin to other origins (as
 * an ArkWeb page's uploads are): headers across origins, aborts the server sees, network failures and
 * their retries, CORS refusals, redirects, forbidden headers, the queue, progress of the file's bytes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueId, urlFor } from '../contract/cases';
import { startFaultServer } from '../../server/page-host';
import type { FaultServer } from '../../server/page-host';
import { expectFailure, expectSuccess, headersOf, kinds, progressOf } from '../contract/recording';
import { usePageTarget } from './target';

const BEFORE_RESPONSE =
  'uploadFile:fail network error: the request failed before any response (connection refused or reset, name not ' +
  "resolved, blocked as mixed content, or refused by the server's CORS policy; the browser does not say which)";
const AFTER_RESPONSE = 'uploadFile:fail network error: the connection failed while the response was being received';

describe('page path: the XHR transport', () => {
  const suite = usePageTarget();
  let fault: FaultServer;

  beforeAll(async () => {
    fault = await startFaultServer();
  });
  afterAll(() => fault?.close());

  it('response headers reach onHeadersReceived across origins (the server exposes them), and the result', async () => {
    const file = await suite.harness.addFile(256 * 1024);
    const id = uniqueId('reply');
    const r = await suite.harness.run({
      options: {
        url: urlFor(suite.server, { id, 'header.X-Reply': 'hello there' }),
        filePath: file.filePath,
        name: 'file',
      },
    });
    const res = expectSuccess(r);
    const [headers] = headersOf(r);
    expect(headersOf(r)).toHaveLength(1);
    expect(headers.header['x-reply']).toBe('hello there');
    expect(headers.header['x-upload-id']).toBe(id);
    expect(res.header).toEqual(headers.header);
    // The upload was cross-origin: the page's origin is not the server's.
    const rec = await suite.server.waitFor((x) => x.id === id && x.responded);
    expect(rec.headers.origin).toBe(suite.harness.host.origin);
    expect(rec.headers.origin).not.toBe(suite.server.origin);
    expect(rec.summary?.files[0].sha256).toBe(file.sha256);
  });

  it('abort mid-upload closes the connection: the server sees the body cut short, and no XHR stays open', async () => {
    // Well above what loopback socket buffers swallow at once (several MB), or the first progress event can
    // come with the answer already in.
    const file = await suite.harness.addFile(16 * 1024 * 1024);
    const id = uniqueId('abort');
    const r = await suite.harness.run({
      options: { url: urlFor(suite.server, { id, readBps: 4 * 1024 * 1024 }), filePath: file.filePath, name: 'file' },
      abort: { atPercent: 5 },
    });
    expectFailure(r, 'uploadFile:fail abort');
    const rec = await suite.server.waitFor((x) => x.id === id && x.closedAt !== undefined, 5000);
    expect(rec).toMatchObject({ clientAborted: true, bodyComplete: false, responded: false });
    expect(rec.bytesReceived).toBeLessThan(file.size);
    expect((await suite.harness.xhrCounts()).open).toBe(0);
  });

  it('abort() in the same turn as uploadFile sends no XHR at all, even for a body small enough to go at once', async () => {
    const file = await suite.harness.addFile(1024);
    const before = await suite.harness.xhrCounts();
    for (let i = 0; i < 5; i++) {
      const r = await suite.harness.run({
        options: { url: urlFor(suite.server, { id: uniqueId('same-turn') }), filePath: file.filePath, name: 'file' },
        abort: 'sync',
      });
      expectFailure(r, 'uploadFile:fail abort');
    }
    expect((await suite.harness.xhrCounts()).sent).toBe(before.sent);
  });

  it('a connection reset before any response is a network error, which retry tries again', async () => {
    const file = await suite.harness.addFile(512 * 1024);
    for (const count of [0, 2]) {
      const before = await suite.harness.xhrCounts();
      const id = uniqueId('reset');
      const r = await suite.harness.run({
        options: {
          url: urlFor(suite.server, { id, resetAfter: 1000 }),
          filePath: file.filePath,
          name: 'file',
          retry: { count, backoff: 50 },
        },
      });
      expectFailure(r, BEFORE_RESPONSE);
      expect((await suite.harness.xhrCounts()).sent - before.sent).toBe(1 + count);
      // Chromium itself sends a request again, once, when a reused keep-alive connection resets before any
      // response: the server may see more requests than the library made.
      expect(suite.server.byId(id).length).toBeGreaterThanOrEqual(1 + count);
    }
  });

  it("a server that does not allow the page's origin (CORS): a network error, and the file never reaches it", async () => {
    const file = await suite.harness.addFile(64 * 1024);
    const before = fault.requests.length;
    const r = await suite.harness.run({ options: { url: fault.noCorsUrl, filePath: file.filePath, name: 'file' } });
    expectFailure(r, BEFORE_RESPONSE);
    expect(kinds(r).filter((k) => k === 'headers')).toEqual([]);
    // An upload with progress listeners is always preflighted: the refused preflight is all the server sees.
    expect(fault.requests.slice(before)).toEqual(['OPTIONS /no-cors']);
  });

  it('a connection cut after the response headers is a network error that is not retried', async () => {
    const file = await suite.harness.addFile(64 * 1024);
    const before = fault.requests.length;
    const xhrsBefore = await suite.harness.xhrCounts();
    const r = await suite.harness.run({
      options: { url: fault.cutUrl, filePath: file.filePath, name: 'file', retry: { count: 2, backoff: 50 } },
    });
    expectFailure(r, AFTER_RESPONSE);
    expect(headersOf(r)).toHaveLength(1);
    expect((await suite.harness.xhrCounts()).sent - xhrsBefore.sent).toBe(1);
    expect(fault.requests.slice(before).filter((x) => x.startsWith('POST'))).toEqual(['POST /cut']);
  });

  it('headers a page may not set (Cookie, Host, Content-Length) are dropped; the others are sent', async () => {
    const file = await suite.harness.addFile(4096);
    const id = uniqueId('forbidden');
    const r = await suite.harness.run({
      options: {
        url: urlFor(suite.server, { id }),
        filePath: file.filePath,
        name: 'file',
        header: { Cookie: 'session=1', Host: 'example.com', 'Content-Length': '5', 'X-Allowed': 'yes' },
      },
    });
    expectSuccess(r);
    const rec = await suite.server.waitFor((x) => x.id === id && x.responded);
    expect(rec.headers['x-allowed']).toBe('yes');
    expect(rec.headers.cookie).toBeUndefined();
    expect(rec.headers.host).toBe(new URL(suite.server.origin).host);
    expect(rec.summary?.files[0].sha256).toBe(file.sha256);
  });

  it('redirects are followed by the browser: a 307 sends the file again to the new URL', async () => {
    const file = await suite.harness.addFile(128 * 1024);
    const first = uniqueId('redirect-from');
    const second = uniqueId('redirect-to');
    const r = await suite.harness.run({
      options: {
        url: urlFor(suite.server, { id: first, redirect: 307, to: `/upload?id=${second}` }),
        filePath: file.filePath,
        name: 'file',
      },
    });
    const res = expectSuccess(r);
    expect(res.statusCode).toBe(200);
    expect(res.header['x-upload-id']).toBe(second);
    const rec = await suite.server.waitFor((x) => x.id === second && x.responded);
    expect(rec.summary?.files[0].sha256).toBe(file.sha256);
  });

  it("progress counts the file's bytes, not the multipart body's: expected is the file size with large fields", async () => {
    // The file part well above what loopback socket buffers swallow at once, so that it is seen going out.
    const file = await suite.harness.addFile(12 * 1024 * 1024);
    const r = await suite.harness.run({
      options: {
        url: urlFor(suite.server, { readBps: 6 * 1024 * 1024 }),
        filePath: file.filePath,
        name: 'file',
        formData: { big: 'x'.repeat(2 * 1024 * 1024) },
      },
    });
    expectSuccess(r);
    const p = progressOf(r);
    expect(p.length).toBeGreaterThan(2);
    for (const e of p) {
      expect(e.expected).toBe(file.size);
      expect(e.sent).toBeLessThanOrEqual(file.size);
    }
    expect(p[p.length - 1]).toMatchObject({ progress: 100, sent: file.size });
  });

  it('the queue holds on the page: never more XHRs open than maxConcurrent, and that many are reached', async () => {
    const file = await suite.harness.addFile(64 * 1024);
    for (const limit of [3, 10]) {
      await suite.harness.configure({ maxConcurrent: limit });
      await suite.harness.resetXhrPeak();
      const scenarios = Array.from({ length: 3 * limit }, () => ({
        options: { url: urlFor(suite.server, { readBps: 512 * 1024 }), filePath: file.filePath, name: 'file' },
        listeners: 'none' as const,
        settleMs: 0,
      }));
      const results = await suite.harness.runMany(scenarios);
      for (const r of results) expectSuccess(r);
      expect((await suite.harness.xhrCounts()).peak).toBe(limit);
    }
  });

  it("formData text with line breaks arrives with CRLF: the browser's multipart encoding normalises them", async () => {
    const file = await suite.harness.addFile(16);
    const id = uniqueId('newlines');
    expectSuccess(
      await suite.harness.run({
        options: {
          url: urlFor(suite.server, { id }),
          filePath: file.filePath,
          name: 'file',
          formData: { note: 'a\nb\rc\r\nd' },
        },
      }),
    );
    const rec = await suite.server.waitFor((x) => x.id === id && x.responded);
    expect(rec.summary?.fields.note).toBe('a\r\nb\r\nc\r\nd');
  });
});
