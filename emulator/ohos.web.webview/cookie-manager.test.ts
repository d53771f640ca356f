/**
 * The WebCookieManager stand-in over a real Chromium cookie store: what it reads for a URL, and how it
 * stores a Set-Cookie line (docs/platform/ohos.web.webview.md, "The cookie store").
 */
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sharedChromium } from './chromium';
import { bindCookieStore, WebCookieManager } from './cookie-manager';

describe('webview.WebCookieManager stand-in', () => {
  let context: BrowserContext;

  beforeAll(async () => {
    context = await (await sharedChromium()).newContext();
    bindCookieStore(await context.newPage());
  });
  afterAll(() => context?.close());
  beforeEach(() => context.clearCookies());

  it('a line with attributes is stored as the browser would store it, HttpOnly included, and read back', async () => {
    await WebCookieManager.configCookie('http://app.test/a/page', 'sid=1; HttpOnly; SameSite=Strict; Max-Age=600');
    await WebCookieManager.configCookie('http://app.test/', 'theme=dark; Path=/');
    const [sid] = (await context.cookies()).filter((c) => c.name === 'sid');
    expect(sid).toMatchObject({ domain: 'app.test', path: '/a', httpOnly: true, sameSite: 'Strict', secure: false });
    expect(sid.expires).toBeGreaterThan(Date.now() / 1000 + 500);
    // The store's lookup: Path applies, HttpOnly does not hide; the longer path first.
    expect(await WebCookieManager.fetchCookie('http://app.test/a/next')).toBe('sid=1; theme=dark');
    expect(await WebCookieManager.fetchCookie('http://app.test/b')).toBe('theme=dark');
    expect(await WebCookieManager.fetchCookie('http://other.test/')).toBe('');
  });

  it('Domain widens a cookie to the subdomains; a Domain the URL is not in is refused (17100005)', async () => {
    await WebCookieManager.configCookie('http://app.example.test/', 'wide=1; Domain=example.test; Path=/');
    expect(await WebCookieManager.fetchCookie('http://api.example.test/upload')).toBe('wide=1');
    await expect(
      WebCookieManager.configCookie('http://app.example.test/', 'foreign=1; Domain=elsewhere.test'),
    ).rejects.toMatchObject({ code: 17100005 });
    expect((await context.cookies()).map((c) => c.name)).toEqual(['wide']);
  });

  it('an expired line removes the cookie of its name; Secure goes only to https', async () => {
    await WebCookieManager.configCookie('http://app.test/', 'sid=1; Path=/');
    await WebCookieManager.configCookie('http://app.test/', 'sid=; Path=/; Max-Age=0');
    expect(await WebCookieManager.fetchCookie('http://app.test/')).toBe('');
    await WebCookieManager.configCookie('https://app.test/', 'safe=1; Secure; Path=/');
    expect(await WebCookieManager.fetchCookie('https://app.test/')).toBe('safe=1');
    expect(await WebCookieManager.fetchCookie('http://app.test/')).toBe('');
    await expect(WebCookieManager.configCookie('http://app.test/', 'plain=1; Secure')).rejects.toMatchObject({
      code: 17100005,
    });
  });

  it('a URL that is not http(s) is 17100002; a line without "=" is 17100005', async () => {
    await expect(WebCookieManager.fetchCookie('not a url')).rejects.toMatchObject({ code: 17100002 });
    await expect(WebCookieManager.configCookie('file:///a', 'a=1')).rejects.toMatchObject({ code: 17100002 });
    await expect(WebCookieManager.configCookie('http://app.test/', 'novalue')).rejects.toMatchObject({
      code: 17100005,
    });
  });

  it('putAcceptCookieEnabled sets what isCookieAllowed answers', () => {
    expect(WebCookieManager.isCookieAllowed()).toBe(true);
    WebCookieManager.putAcceptCookieEnabled(false);
    expect(WebCookieManager.isCookieAllowed()).toBe(false);
    WebCookieManager.putAcceptCookieEnabled(true);
    expect(WebCookieManager.isCookieAllowed()).toBe(true);
  });
});
