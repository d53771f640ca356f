/**
 * blob: URLs on the page path, in Chromium: which are sent as their own Blob and which are read back
 * first (src/hybrid/blob-urls.ts), told apart by what the user's machine holds: a File picked from disk
 * is read back into Chromium's memory (its blob storage) as a second copy, a File sent as itself is not.
 * And what the page's own code sees of URL.createObjectURL and URL.revokeObjectURL, which the library wraps.
 */
import { describe, expect, it } from 'vitest';
import { uniqueId, urlFor } from '../contract/cases';
import type { ReceivedFile } from '../../server/types';
import { hybridIife } from './iife';
import type { UrlMaker } from './page-api';
import { expectSuccess } from '../contract/recording';
import { usePageTarget } from './target';

const SIZE = 8 * 1024 * 1024 + 11;

/** The file part as the server receives it, whichever way the URL went: a URL names no file. */
const asSent = (sha256: string): ReceivedFile => ({
  field: 'file',
  filename: 'blob',
  contentType: 'application/octet-stream',
  size: SIZE,
  sha256,
});

describe('page path: blob: URLs', () => {
  const suite = usePageTarget();

  async function upload(filePath: string): Promise<ReceivedFile> {
    const id = uniqueId('blob-url');
    expectSuccess(await suite.harness.run({ options: { url: urlFor(suite.server, { id }), filePath, name: 'file' } }));
    const rec = await suite.server.waitFor((x) => x.id === id && x.responded);
    expect(rec.summary?.files).toHaveLength(1);
    return rec.summary?.files[0] as ReceivedFile;
  }

  /** Uploads url; resolves with what reached the server and how much Chromium's blob memory grew meanwhile. */
  async function uploadAndMeasure(url: string): Promise<{ received: ReceivedFile; growth: number }> {
    const before = await suite.harness.blobStorageMemory();
    const received = await upload(url);
    // Read before any garbage collection: a copy lasts until its Blob is collected.
    return { received, growth: (await suite.harness.blobStorageMemory()) - before };
  }

  it('a picked File as a blob: URL the page made: its bytes arrive, and Chromium makes no copy of them', async () => {
    const file = await suite.harness.pickFile(SIZE);
    const { received, growth } = await uploadAndMeasure(await suite.harness.blobUrl(file.key));
    expect(received).toEqual(asSent(file.sha256));
    expect(growth).toBeLessThan(SIZE / 8);
    // The load that shows the URL still resolves is cut short without a trace.
    expect(await suite.harness.takeUnhandledRejections()).toBe(0);
  });

  it.each<UrlMaker>(['before-library', 'frame'])(
    'a blob: URL made by the %s URL.createObjectURL is read back: its bytes arrive, through a copy',
    async (maker) => {
      const file = await suite.harness.pickFile(SIZE);
      const { received, growth } = await uploadAndMeasure(await suite.harness.blobUrl(file.key, maker));
      expect(received).toEqual(asSent(file.sha256));
      expect(growth).toBeGreaterThanOrEqual(SIZE);
    },
  );

  it('a blob: URL whose Blob the page no longer holds is read back once that Blob is collected: its bytes arrive', async () => {
    const file = await suite.harness.pickFile(SIZE);
    const url = await suite.harness.unheldBlobUrl(file.key);
    await suite.harness.collectGarbage();
    const { received, growth } = await uploadAndMeasure(url);
    expect(received).toEqual(asSent(file.sha256));
    expect(growth).toBeGreaterThanOrEqual(SIZE);
  });

  it("the page's URL.createObjectURL and URL.revokeObjectURL do what they did before the library loaded", async () => {
    const seen = await suite.harness.page.evaluate(async () => {
      const before = window.beforeLibrary;
      const thrown = (f: () => unknown): string => {
        try {
          f();
          return 'no exception';
        } catch (err) {
          return `${(err as Error).name}: ${(err as Error).message.replace(/'[^']*'/g, '<name>')}`;
        }
      };
      const loads = async (url: string): Promise<string> => {
        try {
          return await (await fetch(url)).text();
        } catch (err) {
          return (err as Error).name;
        }
      };
      const url = URL.createObjectURL(new Blob(['bytes of a Blob'], { type: 'text/plain' }));
      const text = await loads(url);
      URL.revokeObjectURL(url);
      // Without the library these give the same; the messages name the function (as <name>).
      const calls = (f: typeof before): string[] => [
        thrown(() => f.createObjectURL('a string' as unknown as Blob)),
        thrown(() => (f.createObjectURL as () => string)()),
        thrown(() => (f.revokeObjectURL as () => void)()),
        thrown(() => f.revokeObjectURL('https://example.com/not-a-blob-url')),
      ];
      const { createObjectURL } = URL;
      return {
        url,
        text,
        afterRevoke: await loads(url),
        mediaSource: typeof MediaSource === 'undefined' ? 'none' : URL.createObjectURL(new MediaSource()).slice(0, 5),
        calls: calls(URL),
        callsBefore: calls(before),
        // A detached call works as the browser's does (static operations do not use `this`).
        detached: createObjectURL(new Blob(['x'])).slice(0, 5),
      };
    });
    expect(seen.url).toMatch(new RegExp(`^blob:${suite.harness.host.origin}/[0-9a-f-]{36}$`));
    expect(seen.text).toBe('bytes of a Blob');
    expect(seen.afterRevoke).toBe('TypeError');
    expect(seen.mediaSource).toBe('blob:');
    expect(seen.calls).toEqual(seen.callsBefore);
    expect(seen.calls[0]).toMatch(/^TypeError: /);
    expect(seen.detached).toBe('blob:');
  });

  it('a second copy of the library shares the record: the functions are wrapped once, and both send the Blob itself', async () => {
    const page = suite.harness.page;
    const functions = await page.evaluateHandle(() => [URL.createObjectURL, URL.revokeObjectURL]);
    await page.addScriptTag({ path: (await hybridIife()).path });
    expect(await page.evaluate(([c, r]) => c === URL.createObjectURL && r === URL.revokeObjectURL, functions)).toBe(
      true,
    );
    const file = await suite.harness.pickFile(SIZE);
    const url = await suite.harness.blobUrl(file.key);
    // The harness's copy (the test bundle), then the copy just loaded (window.HarmonyUploadTask).
    expect((await uploadAndMeasure(url)).growth).toBeLessThan(SIZE / 8);
    const before = await suite.harness.blobStorageMemory();
    const id = uniqueId('second-copy');
    const status = await page.evaluate(
      async ([target, filePath]) => {
        const lib = (
          window as unknown as { HarmonyUploadTask: { uploadFile(o: object): Promise<{ statusCode: number }> } }
        ).HarmonyUploadTask;
        return (await lib.uploadFile({ url: target, filePath, name: 'file' })).statusCode;
      },
      [urlFor(suite.server, { id }), url] as const,
    );
    expect(status).toBe(200);
    expect((await suite.harness.blobStorageMemory()) - before).toBeLessThan(SIZE / 8);
    const rec = await suite.server.waitFor((x) => x.id === id && x.responded);
    expect(rec.summary?.files).toEqual([asSent(file.sha256)]);
  });
});
