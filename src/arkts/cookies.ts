/**
 * The WebView's cookies on a page's native upload: the bridge host sends and keeps them as the page's own
 * XMLHttpRequest would (docs/hybrid.md, "Cookies"). The store is ArkWeb's, shared by every Web component
 * of the app: `webview.WebCookieManager` reads the cookies the store holds for a URL (HttpOnly ones
 * among them, as name=value pairs only) and stores a `Set-Cookie` line for a URL, its attributes applied
 * by ArkWeb (docs/platform/ohos.web.webview.md, "The cookie store").
 */
import { webview } from '@kit.ArkWeb';
import { logError } from '../core/errors';
import type { HeaderRecord } from '../core/types';

/**
 * Whether the page's XMLHttpRequest to an upload URL would send the page's cookies and keep the answer's:
 * always to its own origin, to another one only with `withCredentials` (XMLHttpRequest's credentials
 * mode "include"; otherwise "same-origin"). An origin the host cannot read is another origin.
 */
export function usesCookies(
  pageOrigin: string | undefined,
  uploadOrigin: string | undefined,
  withCredentials: boolean,
): boolean {
  if (withCredentials) return true;
  return pageOrigin !== undefined && pageOrigin === uploadOrigin;
}

/**
 * The page's headers without any `Cookie` (whatever its case): the browser drops it from a page's request
 * (a forbidden request-header name of the Fetch standard) and sends its own store's instead; so does the
 * native path.
 */
export function withoutCookieHeader(header: HeaderRecord): HeaderRecord {
  const out: HeaderRecord = {};
  for (const name of Object.keys(header)) if (name.toLowerCase() !== 'cookie') out[name] = header[name];
  return out;
}

/**
 * The `Set-Cookie` lines of one answer, from the engines' header value, in which several are joined with
 * ", ". A comma starts a new line only where a `name=` follows it: the comma of an `Expires` date
 * ("Wed, 21 Oct 2026 ...") does not.
 */
export function splitSetCookie(joined: string): string[] {
  return joined
    .split(/,(?=\s*[^\s;,=]+=)/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/**
 * The `Cookie` header value the WebView's store has for `url` (`''` when it has none, or when the app
 * turned cookies off with `putAcceptCookieEnabled(false)`). A store that cannot be read gives `''`: the
 * upload then goes as a signed-out request would.
 */
export async function storedCookies(url: string): Promise<string> {
  try {
    if (!webview.WebCookieManager.isCookieAllowed()) return '';
    const line = await webview.WebCookieManager.fetchCookie(url);
    if (typeof line !== 'string') return '';
    // A header value holds ISO-8859-1 without control characters; a pair that does not is left out, rather
    // than failing the upload on a header the page never wrote.
    return line
      .split('; ')
      .filter((pair) => pair !== '' && !/[^\t\x20-\x7e\x80-\xff]/.test(pair))
      .join('; ');
  } catch (err) {
    logError(`could not read the WebView's cookies for ${url}:`, err);
    return '';
  }
}

/** Stores each `Set-Cookie` line of an answer for `url` in the WebView's store, as the browser would. */
export async function keepCookies(url: string, header: HeaderRecord): Promise<void> {
  const joined = header['set-cookie'];
  if (joined === undefined || joined === '') return;
  try {
    if (!webview.WebCookieManager.isCookieAllowed()) return;
  } catch (err) {
    logError('could not ask whether the WebView accepts cookies:', err);
    return;
  }
  for (const line of splitSetCookie(joined)) {
    try {
      await webview.WebCookieManager.configCookie(url, line);
    } catch (err) {
      // One the store refuses (an invalid value, a Secure cookie over http) is left out, as the browser does.
      logError(`the WebView's cookie store refused a Set-Cookie of ${url}:`, err);
    }
  }
}
