/**
 * The files apps upload, over the bridge: the page names them as the pickers and shells give them
 * (file://media/..., internal://cache|files|temp/..., a tempDir path), the native side maps them, applies
 * allowedPaths to the mapped path, and lets user files through only when the app allows them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { configureEmulation } from '../../emulator/control';
import { type SourceProfile, sourceCases } from '../contract/sources';
import { uniqueId, urlFor } from '../contract/cases';
import { expectFailure, expectSuccess } from '../contract/recording';
import { emulatedSources, sourceDirs } from '../arkts/source-files';
import { bridgeDir, context, useBridgeTarget } from './target';

/**
 * The native side on request.uploadFile, which copies every form but internal://cache/: so the bridge's
 * paths meet the copies too (a page's abort while its file is being copied). What request.agent does with
 * each form is the ArkTS suite's (test/arkts/sources.test.ts); the bridge only hands the path over.
 */
const uploadFileProfile: SourceProfile = { copies: (form) => form !== 'internal://cache/' };

describe('picker files over the bridge, the native side on request.uploadFile', () => {
  const suite = useBridgeTarget({ backend: 'uploadFile', allowedPaths: sourceDirs(context), allowUserFiles: true });
  beforeAll(() => configureEmulation({ retryIntervalMs: 20 }));
  for (const c of sourceCases(uploadFileProfile)) it(c.name, () => c.run(suite.target));
});

describe('what a page may name', () => {
  const suite = useBridgeTarget({ allowedPaths: [bridgeDir, `${context.cacheDir}/picked`] });
  const sources = emulatedSources(context);

  const expectRefused = async (filePath: string, errMsg: string): Promise<void> => {
    const id = uniqueId('page-names');
    const r = await suite.target.run({ options: { url: urlFor(suite.server, { id }), filePath, name: 'file' } });
    expect(suite.server.byId(id)).toEqual([]);
    expectFailure(r, errMsg);
  };

  it('a user file is refused unless the app allows them, whether or not the URI exists, before anything is opened', async () => {
    const photo = await sources.sourceFile('file://media/', 1000, 'IMG_0009.jpg');
    const uploadsBefore = suite.side.native.uploads.length;
    for (const uri of [photo.filePath, 'file://media/Photo/424242/IMG_1700424242_242/none.jpg']) {
      await expectRefused(
        uri,
        `uploadFile:fail refused by the native bridge: filePath "${uri}" is a user file (media library), which this app does not let pages upload (allowUserFiles)`,
      );
    }
    expect(suite.side.native.uploads.length).toBe(uploadsBefore);
  });

  it('internal:// paths are mapped first: a directory that is not allowed stays refused', async () => {
    const temp = await sources.sourceFile('internal://temp/', 1000, 'a.jpg');
    const files = await sources.sourceFile('internal://files/', 1000, 'b.jpg');
    for (const filePath of [temp.filePath, files.filePath]) {
      await expectRefused(
        filePath,
        `uploadFile:fail refused by the native bridge: filePath "${filePath}" is outside the directories this app allows pages to upload from`,
      );
    }
    const cached = await sources.sourceFile('internal://cache/', 1000, 'c.jpg');
    const id = uniqueId('page-names-cache');
    const r = await suite.target.run({
      options: { url: urlFor(suite.server, { id }), filePath: cached.filePath, name: 'f' },
    });
    expectSuccess(r);
    expect((await suite.server.waitFor((x) => x.id === id && x.responded)).summary?.files[0].sha256).toBe(
      cached.sha256,
    );
  });

  it('internal:// paths cannot climb out of their directory into an allowed one', async () => {
    for (const filePath of ['internal://temp/../cache/picked/x.jpg', 'internal://files/../cache/picked/x.jpg']) {
      await expectRefused(
        filePath,
        `uploadFile:fail refused by the native bridge: filePath "${filePath}" is not a path the bridge accepts`,
      );
    }
  });
});
