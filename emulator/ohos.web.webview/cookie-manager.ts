/**
 * ArkWeb's `webview.WebCookieManager` over the cookie store of a real Chromium browser context, through the
 * DevTools protocol's cookie commands (docs/platform/ohos.web.webview.md, "The cookie store"):
 * - `fetchCookie(url)` is `Network.getCookies` for that URL: every cookie the store would send to it by its
 *   Domain, Path, Secure and expiry, HttpOnly ones included and SameSite not applied (the DevTools lookup,
 *   like ArkWeb's, reads in an all-inclusive context), as one `name=value; name2=value2` line;
 * - `configCookie(url, value)` reads `value` as a `Set-Cookie` header and sets it with `Network.setCookie`
 *   (or deletes the cookie it names, for an expired one), HttpOnly and SameSite as the line says;
 * - `isCookieAllowed()` / `putAcceptCookieEnabled(accept)`: the switch the host honours. Chromium itself is
 *   not switched: the page's own requests keep their cookies.
 * ArkWeb's store is one per app, shared by every Web component. Here it is the browser context of the
 * WebView stand-in created last (`PlaywrightWebview.create` binds it).
 * Not modelled: the incognito store, the deprecated getCookie/setCookie, the synchronous forms, a cookie
 * line without `=` (ArkWeb would store a nameless cookie; here it is 17100005).
 */
import type { CDPSession, Page } from 'playwright-core';
import { EmulatedBusinessError } from '../errors';

/** `@ohos.web.webview.d.ts` @throws texts. */
const INVALID_URL = 17100002;
const INVALID_COOKIE_VALUE = 17100005;
const TEXTS: Readonly<Record<number, string>> = {
  [INVALID_URL]: 'URL error. No valid cookie found for the specified URL.',
  [INVALID_COOKIE_VALUE]: 'The provided cookie value is invalid. It must follow the format specified in RFC 6265.',
};

function businessError(code: number): EmulatedBusinessError {
  return new EmulatedBusinessError(code, TEXTS[code] ?? '');
}

interface Store {
  page: Page;
  session?: Promise<CDPSession>;
}

let store: Store | undefined;
let accept = true;

/** Emulator control: the store is the browser context of this page from now on. */
export function bindCookieStore(page: Page): void {
  store = { page };
}

function session(): Promise<CDPSession> {
  if (!store) throw new Error('no WebView stand-in exists: its cookie store is the one of its browser context');
  store.session ??= store.page.context().newCDPSession(store.page);
  return store.session;
}

function httpUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw businessError(INVALID_URL);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw businessError(INVALID_URL);
  return parsed;
}

/** RFC 6265 §5.1.4: the directory of the URL's path. */
function defaultPath(url: URL): string {
  const path = url.pathname;
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

interface ParsedCookie {
  name: string;
  value: string;
  domain?: string;
  path: string;
  secure: boolean;
  httpOnly: boolean;
  sameSite?: 'Strict' | 'Lax' | 'None';
  /** Seconds since the epoch; undefined: a session cookie. */
  expires?: number;
}

/** RFC 6265 §5.2: a Set-Cookie line as its name, value and attributes (unknown attributes ignored). */
function parseSetCookie(url: URL, line: string): ParsedCookie {
  const [pair, ...attributes] = line.split(';');
  const eq = pair.indexOf('=');
  if (eq < 0) throw businessError(INVALID_COOKIE_VALUE);
  const cookie: ParsedCookie = {
    name: pair.slice(0, eq).trim(),
    value: pair.slice(eq + 1).trim(),
    path: defaultPath(url),
    secure: false,
    httpOnly: false,
  };
  let maxAge: number | undefined;
  for (const attribute of attributes) {
    const at = attribute.indexOf('=');
    const key = (at < 0 ? attribute : attribute.slice(0, at)).trim().toLowerCase();
    const value = at < 0 ? '' : attribute.slice(at + 1).trim();
    if (key === 'expires') {
      const time = Date.parse(value);
      if (!Number.isNaN(time)) cookie.expires = time / 1000;
    } else if (key === 'max-age' && /^-?\d+$/.test(value)) maxAge = Number(value);
    else if (key === 'domain' && value !== '') cookie.domain = value.replace(/^\./, '').toLowerCase();
    else if (key === 'path' && value.startsWith('/')) cookie.path = value;
    else if (key === 'secure') cookie.secure = true;
    else if (key === 'httponly') cookie.httpOnly = true;
    else if (key === 'samesite') {
      const v = value.toLowerCase();
      cookie.sameSite = v === 'strict' ? 'Strict' : v === 'none' ? 'None' : v === 'lax' ? 'Lax' : undefined;
    }
  }
  if (maxAge !== undefined) cookie.expires = Date.now() / 1000 + maxAge;
  return cookie;
}

// biome-ignore lint/complexity/noStaticOnlyClass: the platform declares it so (webview.WebCookieManager, static members)
export class WebCookieManager {
  static async fetchCookie(url: string): Promise<string> {
    const parsed = httpUrl(url);
    const cdp = await session();
    const { cookies } = await cdp.send('Network.getCookies', { urls: [parsed.href] });
    // In the order of a request's Cookie line, which the DevTools list does not keep: longer paths first
    // (RFC 6265 §5.4, step 2, as Chromium's cookie store sorts them); a stable sort keeps ties as listed.
    const ordered = [...cookies].sort((a, b) => b.path.length - a.path.length);
    return ordered.map((c) => (c.name === '' ? c.value : `${c.name}=${c.value}`)).join('; ');
  }

  static async configCookie(url: string, value: string): Promise<void> {
    const parsed = httpUrl(url);
    const cookie = parseSetCookie(parsed, value);
    // CanonicalCookie::Create refuses a Domain the URL's host is not in; Network.setCookie would set it.
    const host = parsed.hostname.toLowerCase();
    if (cookie.domain !== undefined && host !== cookie.domain && !host.endsWith(`.${cookie.domain}`))
      throw businessError(INVALID_COOKIE_VALUE);
    // And a Secure cookie from a URL that is not https (Chromium takes a loopback host for a secure one).
    const loopback = host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
    if (cookie.secure && parsed.protocol !== 'https:' && !loopback) throw businessError(INVALID_COOKIE_VALUE);
    const cdp = await session();
    if (cookie.expires !== undefined && cookie.expires * 1000 <= Date.now()) {
      // An expired cookie is not stored; it removes the one of its name, domain and path.
      await cdp.send('Network.deleteCookies', {
        name: cookie.name,
        url: parsed.href,
        domain: cookie.domain,
        path: cookie.path,
      });
      return;
    }
    try {
      const result = await cdp.send('Network.setCookie', {
        name: cookie.name,
        value: cookie.value,
        // Without a Domain attribute, a host-only cookie of the URL's host.
        url: parsed.href,
        domain: cookie.domain === undefined ? undefined : `.${cookie.domain}`,
        path: cookie.path,
        secure: cookie.secure,
        httpOnly: cookie.httpOnly,
        sameSite: cookie.sameSite,
        expires: cookie.expires,
      });
      // Older protocol versions answer success: false where newer ones throw.
      if ((result as { success?: boolean }).success === false) throw new Error('not set');
    } catch (err) {
      if (err instanceof EmulatedBusinessError) throw err;
      // The store refused it (a Domain the URL's host is not in, Secure over http to another host): the
      // promise rejects with the code the store gave, as ArkWeb's NWebConfigCookieCallbackImpl does.
      throw businessError(INVALID_COOKIE_VALUE);
    }
  }

  static isCookieAllowed(): boolean {
    return accept;
  }

  static putAcceptCookieEnabled(value: boolean): void {
    accept = value;
  }
}
