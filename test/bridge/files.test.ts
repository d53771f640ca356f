/**
 * Several native files in one upload over the bridge: the page posts them all in one start message, the
 * native host checks each path as it checks one (a refusal names the entry) and uploads them with one
 * ArkTS task, on an engine that sends one request: the shared cases on @ohos.net.http and on 'auto'. On
 * request.agent the native side refuses several files, and the page is told why.
 */
import { describe, expect, it } from 'vitest';
import { parsePageMessage } from '../../src/bridge/protocol';
import { expectNeverReached, uniqueId, urlFor } from '../contract/cases';
import { filesCases } from '../contract/files';
import { expectFailure, expectSuccess } from '../contract/recording';
import { startBase, startMessage } from './messages';
import { bridgeDir, context, nativeFile, sandbox, twoNativeFiles, useBridgeTarget } from './target';

describe.each(['http', 'auto'] as const)('the bridge, files, native side on %s', (backend) => {
  const suite = useBridgeTarget({ backend });
  for (const c of filesCases) it(c.name, () => c.run(suite.target));

  it('the native task is one task over every file: its progress counts them together; onUpload lists them', async () => {
    const { a, b, files } = await twoNativeFiles([40_000, 60_000], 'n');
    const id = uniqueId('bridge-files-native');
    const r = await suite.target.run({
      options: {
        url: urlFor(suite.server, { id }),
        files,
      },
    });
    expectSuccess(r);
    const native = suite.side.native.uploads.at(-1);
    await native?.done;
    expect(native?.filePath).toBe(a.filePath);
    expect(native?.files).toEqual([a.filePath, b.filePath]);
    expect(native?.events.filter((e) => e.kind === 'progress').at(-1)).toMatchObject({
      progress: 100,
      sent: a.size + b.size,
      expected: a.size + b.size,
    });
  });

  it('an entry outside the allowed directories: refused, naming the entry, and nothing is sent', async () => {
    const good = await nativeFile(1000, 'good.bin');
    const outside = `${context.filesDir}/not-allowed-${Date.now()}.bin`;
    await sandbox.writeFile(outside, 'private');
    const id = uniqueId('bridge-files-outside');
    const r = await suite.target.run({
      options: {
        url: urlFor(suite.server, { id }),
        files: [
          { name: 'a', filePath: good.filePath },
          { name: 'b', filePath: outside },
        ],
      },
    });
    expectFailure(
      r,
      `uploadFile:fail refused by the native bridge: files[1]: filePath "${outside}" is outside the directories this app allows pages to upload from`,
    );
    await expectNeverReached(suite.server, id);
  });
});

describe('the bridge, files, native side on request.agent', () => {
  const suite = useBridgeTarget({ backend: 'agent' });

  it('several files: the native side refuses them (a request each), and the page is told why; nothing is sent', async () => {
    const { files } = await twoNativeFiles([1000, 1000], 'agent');
    const id = uniqueId('bridge-files-agent');
    const r = await suite.target.run({
      options: {
        url: urlFor(suite.server, { id }),
        files,
      },
    });
    expectFailure(
      r,
      "uploadFile:fail parameter error: parameter.files lists 2 files, which request.agent would send in a request each: configure({ backend: 'http' }) or 'auto' sends them in one request",
    );
    await expectNeverReached(suite.server, id);
  });

  it('one entry: sent, its failures naming files[0]', async () => {
    const a = await nativeFile(5000, 'one.bin');
    const id = uniqueId('bridge-files-agent-one');
    const r = await suite.target.run({
      options: { url: urlFor(suite.server, { id }), files: [{ name: 'only', filePath: a.filePath }] },
    });
    expectSuccess(r);
    expect((await suite.server.waitFor((x) => x.id === id && x.responded)).summary?.files[0]?.sha256).toBe(a.sha256);
    const missing = `${bridgeDir}/missing-${Date.now()}.bin`;
    const gone = await suite.target.run({
      options: { url: urlFor(suite.server), files: [{ name: 'only', filePath: missing }] },
    });
    expectFailure(gone, `uploadFile:fail files[0]: file not found: ${missing}`);
  });
});

describe('the start message of a files upload', () => {
  const options = (extra: Record<string, unknown>): string =>
    startMessage('p1', 't1', { ...startBase('https://example.com/'), ...extra });
  const file = { filePath: 'internal://cache/a.jpg', name: 'a', fileName: 'a.jpg' };

  it('files alone is accepted; with filePath, name or fileName beside it, or malformed, it is refused', () => {
    expect(parsePageMessage(options({ files: [file, file] })).ok).toBe(true);
    const refused = (extra: Record<string, unknown>): unknown => {
      const parsed = parsePageMessage(options(extra));
      return parsed.ok ? 'accepted' : parsed.reason;
    };
    expect(refused({ files: [file], filePath: file.filePath })).toBe(
      'bad start message: options.files should come without filePath, name and fileName',
    );
    expect(refused({ files: [] })).toBe('bad start message: options.files should be a list of 1 to 100 files');
    expect(refused({ files: Array.from({ length: 101 }, () => file) })).toBe(
      'bad start message: options.files should be a list of 1 to 100 files',
    );
    expect(refused({ files: [file, { ...file, name: 3 }] })).toBe(
      'bad start message: options.files[1] should be {filePath, name, fileName} strings',
    );
    // A host before files[] read this message as one without filePath, and refused it the same way.
    expect(refused({})).toBe('bad start message: options.filePath should be a string');
  });
});
