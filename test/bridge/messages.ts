/**
 * Bridge messages as they travel, for the tests that go around the library: what the native side
 * delivered to a page (decoded from its runJavaScript scripts, or caught in the page in place of the
 * library's receiver), and messages posted to the native proxy as a page's own script could post them.
 */
import { vi } from 'vitest';
import type { BridgePage } from './target';

/** The messages the native side delivered, decoded from their runJavaScript scripts. */
export function delivered(scripts: string[]): Array<Record<string, unknown> & { page: string; type: string }> {
  return scripts.map((script) => {
    const b64 = /receive\("([A-Za-z0-9+/=]*)"\)/.exec(script)?.[1] ?? '';
    return JSON.parse(Buffer.from(b64, 'base64').toString('utf8')) as { page: string; type: string };
  });
}

/** Records what the native side sends to this page, decoded, in place of the library's receiver. */
export async function captureReplies(side: BridgePage): Promise<void> {
  await side.harness.page.evaluate(() => {
    const w = window as unknown as { __replies: unknown[]; __harmonyUploadBridge: { receive(b64: string): void } };
    w.__replies = [];
    w.__harmonyUploadBridge = {
      receive(b64: string) {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        w.__replies.push(JSON.parse(new TextDecoder().decode(bytes)));
      },
    };
  });
}

/** The replies captureReplies() recorded, after `settleMs`. */
export async function replies(side: BridgePage, settleMs = 400): Promise<Array<Record<string, unknown>>> {
  await new Promise((r) => setTimeout(r, settleMs));
  return side.harness.page.evaluate(
    () => (window as unknown as { __replies: Array<Record<string, unknown>> }).__replies,
  );
}

/**
 * The replies captureReplies() recorded, as soon as `ready` holds for them: waits for the replies a test
 * expects instead of a fixed time. Fails after `timeoutMs`.
 */
export async function repliesWhen(
  side: BridgePage,
  ready: (replies: Array<Record<string, unknown>>) => boolean,
  timeoutMs = 10000,
): Promise<Array<Record<string, unknown>>> {
  const read = (): Promise<Array<Record<string, unknown>>> =>
    side.harness.page.evaluate(() => (window as unknown as { __replies: Array<Record<string, unknown>> }).__replies);
  return vi.waitFor(
    async () => {
      const got = await read();
      if (!ready(got))
        throw new Error(
          `the expected replies did not arrive; the last of ${got.length}: ${JSON.stringify(got.slice(-3))}`,
        );
      return got;
    },
    { timeout: timeoutMs, interval: 20 },
  );
}

/** Posts `text` to the native proxy from the top page, as a script of the page can. */
export async function postRaw(side: BridgePage, text: string): Promise<void> {
  await side.harness.page.evaluate((t) => {
    (window as unknown as { __harmonyUploadNative: { post(m: string): void } }).__harmonyUploadNative.post(t);
  }, text);
}

/** Posts every one of `texts` to the native proxy from the top page, in order, in one turn of the page. */
export async function postRawAll(side: BridgePage, texts: string[]): Promise<void> {
  await side.harness.page.evaluate((all) => {
    const proxy = (window as unknown as { __harmonyUploadNative: { post(m: string): void } }).__harmonyUploadNative;
    for (const t of all) proxy.post(t);
  }, texts);
}

/** Adds an iframe of the page's own origin to the page, and posts `text` to the native proxy from it. */
export async function postFromIframe(side: BridgePage, text: string): Promise<void> {
  await side.harness.page.evaluate(async (origin) => {
    const frame = document.createElement('iframe');
    frame.src = `${origin}/other.html`;
    document.body.append(frame);
    await new Promise((r) => frame.addEventListener('load', r));
  }, side.origin);
  const child = side.harness.page.frames().find((f) => f !== side.harness.page.mainFrame());
  if (!child) throw new Error('no iframe');
  await child.evaluate(
    (m) => (window as unknown as { __harmonyUploadNative: { post(x: string): void } }).__harmonyUploadNative.post(m),
    text,
  );
}

/** A start message as the page's library posts it. */
export function startMessage(page: string, id: string, options: Record<string, unknown>): string {
  return JSON.stringify({ v: 1, page, type: 'start', id, options });
}

/** Well-formed start options but the file: `filePath`, `name` and `fileName`, or `files`, go beside them. */
export function startBase(url: string): Record<string, unknown> {
  return { url, header: {}, formData: [], timeout: 30000, retry: { count: 0, backoff: 0 } };
}

/** Well-formed start options. */
export function startOptions(filePath: string, url: string): Record<string, unknown> {
  return { ...startBase(url), filePath, name: 'file', fileName: 'x.bin' };
}
