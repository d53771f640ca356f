/**
 * The WebView's cookies on the native path, over Chromium's real cookie store: the page signs in by a real
 * navigation that sets an HttpOnly session cookie; a native upload then carries the cookies the page's own
 * XMLHttpRequest would carry (its own origin always, another one only with withCredentials), and the
 * answer's Set-Cookie is kept in the store, where the page's next own request finds it. The page's script
 * sees neither (docs/hybrid.md, "Cookies").
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import webview from '../../emulator/ohos.web.webview/index';
import type { ArkTsBackend } from '../../src/arkts/types';
import type { SessionUpload } from '../../server/page-host';
import { parsePageMessage, RECEIVER_NAME } from '../../src/bridge/protocol';
import { uniqueId, urlFor } from '../contract/cases';
import { expectSuccess } from '../contract/recording';
import { startBase, startMessage } from './messages';
import type { BridgeSuite } from './target';
import { nativeFile, useBridgeTarget } from './target';

/** Signs in as a person would: a navigation whose answer sets the HttpOnly session cookie. */
async function signIn(suite: BridgeSuite): Promise<string> {
  const { harness } = suite.side;
  await harness.page.goto(`${harness.host.origin}/session/sign-in`);
  await harness.page.waitForFunction('window.harness !== undefined');
  return `session=${harness.host.sessionToken}`;
}

/** A native upload to the page's own origin, the signed-in site; what that site received. */
async function uploadHome(suite: BridgeSuite, header?: Record<string, string>) {
  const file = await nativeFile(64 * 1024, 'home.bin');
  const id = uniqueId('home');
  const recording = await suite.target.run({
    options: {
      url: `${suite.side.harness.host.origin}/session/upload?id=${id}`,
      filePath: file.filePath,
      name: 'file',
      ...(header ? { header } : {}),
    },
  });
  const seen: SessionUpload | undefined = suite.side.harness.host.sessionUploads.find((u) => u.id === id);
  return { recording, seen, file };
}

/** The Cookie header of the page's own next request to its origin (fetch, credentials as by default). */
function pageRequestCookies(suite: BridgeSuite): Promise<string[]> {
  return suite.side.harness.page.evaluate(async () => {
    const text = await (await fetch('/session/echo')).text();
    return text === '' ? [] : text.split('; ').sort();
  });
}

function scriptCookies(suite: BridgeSuite): Promise<string> {
  return suite.side.harness.page.evaluate(() => document.cookie);
}

const ENGINES: ArkTsBackend[] = ['agent', 'http', 'uploadFile'];

describe.each(ENGINES)('cookies on the native path, native side on %s', (backend) => {
  const suite = useBridgeTarget({ backend });
  beforeEach(() => suite.side.harness.page.context().clearCookies());

  it('signed in by a navigation (HttpOnly cookie): the upload carries the cookie and the server takes it', async () => {
    const session = await signIn(suite);
    expect(await scriptCookies(suite)).toBe('');
    const { recording, seen, file } = await uploadHome(suite);
    const result = expectSuccess(recording);
    expect(seen).toMatchObject({ cookie: session, status: 200 });
    expect(seen?.summary?.files[0]?.sha256).toBe(file.sha256);
    // request.uploadFile withholds the status; the others give the server's.
    if (backend !== 'uploadFile') expect(result.statusCode).toBe(200);
    expect(result.header['set-cookie']).toBeUndefined();
  });

  // The host waits for the store before it tells the page (ArkWeb's configCookie settles on the store's own
  // thread). The stand-in's store answers in the order it is asked, so here the wait cannot be told apart
  // from its absence; what this checks is that the cookie is there by the time the page hears.
  it("the answer's cookie is in the store when the page hears of the answer: a request it makes then carries it", async () => {
    const session = await signIn(suite);
    const first = await uploadHome(suite);
    expect(first.seen?.setCookie).toMatch(/^receipt=\d+;/);
    // The page starts a request of its own the moment each message of the answer reaches it.
    await suite.side.harness.page.evaluate((name) => {
      const w = window as unknown as Record<string, unknown>;
      const receiver = w[name] as { receive(payload: string): void };
      const receive = receiver.receive;
      const heard: Array<Promise<string>> = [];
      w.heardCookies = heard;
      receiver.receive = (payload: string) => {
        const bytes = Uint8Array.from(atob(payload), (c) => c.charCodeAt(0));
        const type = (JSON.parse(new TextDecoder().decode(bytes)) as { type: string }).type;
        if (type === 'headers' || type === 'success')
          heard.push(fetch('/session/echo').then(async (r) => `${type}: ${await r.text()}`));
        receive(payload);
      };
    }, RECEIVER_NAME);
    const { recording, seen } = await uploadHome(suite);
    expectSuccess(recording);
    const receipt = seen?.setCookie?.split(';')[0];
    const heard = await suite.side.harness.page.evaluate(() =>
      Promise.all((window as unknown as { heardCookies: Array<Promise<string>> }).heardCookies),
    );
    // Chromium's order: the longer path first, then the older cookie.
    const cookies = `${session}; ${receipt}`;
    expect(heard).toEqual([`headers: ${cookies}`, `success: ${cookies}`]);
    expect(await pageRequestCookies(suite)).toEqual([receipt, session].sort());
    // HttpOnly as the server set it: the page's script sees neither cookie.
    expect(await scriptCookies(suite)).toBe('');
  });

  // Each engine hands several Set-Cookie lines over in its own way, and the library joins them with ", "
  // in `header`; the host splits them again, not at the comma of an Expires date.
  it('an answer with several Set-Cookie lines, one with an Expires date: each cookie is kept whole', async () => {
    await signIn(suite);
    const file = await nativeFile(8 * 1024, 'lines.bin');
    const id = uniqueId('lines');
    const expires = new Date(Math.ceil(Date.now() / 1000) * 1000 + 3600_000);
    const second = encodeURIComponent(`second-${id}=2; Path=/; HttpOnly`);
    const url = `${urlFor(suite.server, {
      id,
      'header.Set-Cookie': `first-${id}=1; Path=/; Expires=${expires.toUTCString()}`,
    })}&header.Set-Cookie=${second}`;
    const recording = await suite.target.run({
      options: { url, filePath: file.filePath, name: 'file', withCredentials: true },
    });
    expect(expectSuccess(recording).header['set-cookie']).toBeUndefined();
    const stored = await suite.side.harness.page.context().cookies();
    expect(stored.find((c) => c.name === `first-${id}`)).toMatchObject({
      value: '1',
      expires: expires.getTime() / 1000,
    });
    expect(stored.find((c) => c.name === `second-${id}`)).toMatchObject({ value: '2', httpOnly: true });
  });
});

describe('cookies on the native path (request.agent)', () => {
  const suite = useBridgeTarget();
  beforeEach(() => suite.side.harness.page.context().clearCookies());
  afterEach(() => webview.WebCookieManager.putAcceptCookieEnabled(true));

  it('not signed in: no cookie goes, and the same upload is answered 401', async () => {
    const { recording, seen } = await uploadHome(suite);
    expect(expectSuccess(recording).statusCode).toBe(401);
    expect(seen).toMatchObject({ cookie: undefined, status: 401 });
    expect(await pageRequestCookies(suite)).toEqual([]);
  });

  it('a Cookie header the page sets is dropped, whatever its case, as the browser drops it', async () => {
    const forged = await uploadHome(suite, { cOOkie: 'session=forged' });
    expect(forged.seen).toMatchObject({ cookie: undefined, status: 401 });
    const session = await signIn(suite);
    const signedIn = await uploadHome(suite, { Cookie: 'other=1', 'X-Kept': 'yes' });
    expect(signedIn.seen).toMatchObject({ cookie: session, status: 200 });
  });

  /** A native upload to the upload server: another origin (another port) of the same host. */
  async function uploadAway(withCredentials: boolean | undefined) {
    const file = await nativeFile(32 * 1024, 'away.bin');
    const id = uniqueId('away');
    const recording = await suite.target.run({
      options: {
        url: urlFor(suite.server, { id, 'header.Set-Cookie': `away-${id}=kept; Path=/; HttpOnly` }),
        filePath: file.filePath,
        name: 'file',
        ...(withCredentials === undefined ? {} : { withCredentials }),
      },
    });
    const record = await suite.server.waitFor((r) => r.id === id && r.endedAt !== undefined);
    const stored = (await suite.side.harness.page.context().cookies()).map((c) => c.name);
    return { recording, record, file, kept: stored.includes(`away-${id}`) };
  }

  it('another origin without withCredentials: no cookie goes, and the answer sets none', async () => {
    await signIn(suite);
    for (const withCredentials of [undefined, false]) {
      const { recording, record, file, kept } = await uploadAway(withCredentials);
      expect(expectSuccess(recording).header['set-cookie']).toBeUndefined();
      expect(record.headers.cookie).toBeUndefined();
      expect(record.summary?.files[0]?.sha256).toBe(file.sha256);
      expect(kept).toBe(false);
    }
  });

  it("another origin with withCredentials: the store's cookies for that URL go, and the answer's is kept", async () => {
    const session = await signIn(suite);
    const { recording, record, kept } = await uploadAway(true);
    expect(expectSuccess(recording).header['set-cookie']).toBeUndefined();
    expect(record.headers.cookie).toBe(session);
    expect(kept).toBe(true);
    expect(await scriptCookies(suite)).toBe('');
  });

  it('cookies switched off in the app (putAcceptCookieEnabled(false)): none goes, none is kept', async () => {
    await signIn(suite);
    webview.WebCookieManager.putAcceptCookieEnabled(false);
    const home = await uploadHome(suite);
    expect(home.seen).toMatchObject({ cookie: undefined, status: 401 });
    const away = await uploadAway(true);
    expect(away.record.headers.cookie).toBeUndefined();
    expect(away.kept).toBe(false);
  });
});

// Several files travel in the start message's `files` (without filePath): the cookies, and the page's
// withCredentials that decides them for another origin, must go with that form too.
describe("cookies on a files upload over the bridge ('auto': @ohos.net.http)", () => {
  const suite = useBridgeTarget({ backend: 'auto' });
  beforeEach(() => suite.side.harness.page.context().clearCookies());

  async function twoFiles() {
    return [await nativeFile(48 * 1024 + 1, 'one.jpg'), await nativeFile(16 * 1024 + 2, 'two.jpg')];
  }

  it("to the page's own origin: the session cookie goes with every file, a forged Cookie header does not, the answer's cookie is kept", async () => {
    const session = await signIn(suite);
    const files = await twoFiles();
    const id = uniqueId('home-files');
    const recording = await suite.target.run({
      options: {
        url: `${suite.side.harness.host.origin}/session/upload?id=${id}`,
        files: files.map((f, i) => ({ name: 'photos', filePath: f.filePath, fileName: `p${i}.jpg` })),
        header: { Cookie: 'session=forged' },
      },
    });
    expect(expectSuccess(recording).statusCode).toBe(200);
    const seen = suite.side.harness.host.sessionUploads.find((u) => u.id === id);
    expect(seen).toMatchObject({ cookie: session, status: 200 });
    expect(seen?.summary?.files.map((f) => [f.field, f.filename, f.sha256])).toEqual([
      ['photos', 'p0.jpg', files[0].sha256],
      ['photos', 'p1.jpg', files[1].sha256],
    ]);
    const receipt = seen?.setCookie?.split(';')[0];
    expect(receipt).toMatch(/^receipt=\d+$/);
    expect(await pageRequestCookies(suite)).toEqual([receipt, session].sort());
  });

  it("to another origin: the store's cookies go and the answer's is kept only with withCredentials", async () => {
    const session = await signIn(suite);
    for (const withCredentials of [false, true]) {
      const files = await twoFiles();
      const id = uniqueId(`away-files-${withCredentials}`);
      const recording = await suite.target.run({
        options: {
          url: urlFor(suite.server, { id, 'header.Set-Cookie': `away-${id}=kept; Path=/; HttpOnly` }),
          files: files.map((f) => ({ name: 'photos', filePath: f.filePath })),
          withCredentials,
        },
      });
      expectSuccess(recording);
      const record = await suite.server.waitFor((r) => r.id === id && r.endedAt !== undefined);
      expect(record.summary?.files.map((f) => f.sha256)).toEqual(files.map((f) => f.sha256));
      expect(record.headers.cookie).toBe(withCredentials ? session : undefined);
      const stored = (await suite.side.harness.page.context().cookies()).map((c) => c.name);
      expect(stored.includes(`away-${id}`)).toBe(withCredentials);
    }
  });
});

// The page's core refuses a withCredentials that is not a boolean (test/hybrid/credentials.test.ts); the host
// reads the start message a page posts, which any script of the page can write, so it checks it again.
describe('withCredentials in the start message', () => {
  const start = (options: Record<string, unknown>): string =>
    startMessage('p1', 't1', { ...startBase('https://example.com/'), ...options });
  const one = { filePath: 'internal://cache/a.jpg', name: 'file', fileName: 'a.jpg' };
  const files = { files: [one, one] };

  it('crosses in both forms; absent is false; anything but a boolean is refused', () => {
    for (const form of [one, files]) {
      for (const withCredentials of [true, false]) {
        const parsed = parsePageMessage(start({ ...form, withCredentials }));
        expect(parsed.ok && parsed.message.type === 'start' && parsed.message.options.withCredentials).toBe(
          withCredentials,
        );
      }
      const absent = parsePageMessage(start(form));
      expect(absent.ok && absent.message.type === 'start' && absent.message.options.withCredentials).toBeUndefined();
      const bad = parsePageMessage(start({ ...form, withCredentials: 'yes' }));
      expect(bad.ok ? 'accepted' : bad.reason).toBe('bad start message: options.withCredentials should be a boolean');
    }
  });
});
