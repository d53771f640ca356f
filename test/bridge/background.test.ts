/**
 * Background mode over the bridge: a page may ask for `background: true` for a native file, which the native
 * side then uploads on a BACKGROUND request.agent task (restoring it after the app's death is the native
 * app's job, restoreUploads()); web data, uploaded by the page itself, has no background mode.
 */
import { request } from '@kit.BasicServicesKit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { expectNeverReached, uniqueId, urlFor } from '../contract/cases';
import { expectFailure, expectSuccess } from '../contract/recording';
import { nativeFile, twoNativeFiles, useBridgeTarget } from './target';

describe('background: true from a page', () => {
  const suite = useBridgeTarget({ backend: 'agent' });
  afterEach(() => vi.restoreAllMocks());

  /** The modes request.agent.create is given on the native side, for the uploads of one test. */
  function createdModes(): Array<request.agent.Config['mode']> {
    const modes: Array<request.agent.Config['mode']> = [];
    const create = request.agent.create.bind(request.agent) as (
      c: unknown,
      config: request.agent.Config,
    ) => Promise<request.agent.Task>;
    vi.spyOn(request.agent, 'create').mockImplementation(((c: unknown, config: request.agent.Config) => {
      modes.push(config.mode);
      return create(c, config);
    }) as typeof request.agent.create);
    return modes;
  }

  it('a native file: uploaded on a BACKGROUND task, with the contract whole in the page', async () => {
    const modes = createdModes();
    const file = await nativeFile(300_000, 'bridge-background.bin');
    const id = uniqueId('bridge-background');
    const r = await suite.target.run({
      options: { url: urlFor(suite.server, { id }), filePath: file.filePath, name: 'file', background: true, tag: 'p' },
    });
    const result = expectSuccess(r);
    expect(JSON.parse(result.data).files[0].sha256).toBe(file.sha256);
    expect(suite.server.byId(id)[0]?.summary?.files[0]?.sha256).toBe(file.sha256);
    expect(modes).toEqual([request.agent.Mode.BACKGROUND]);
  });

  it('files with one native entry: the native side uploads it on a BACKGROUND task', async () => {
    const modes = createdModes();
    const file = await nativeFile(50_000, 'bridge-background-files.bin');
    const id = uniqueId('bridge-background-files');
    const r = await suite.target.run({
      options: {
        url: urlFor(suite.server, { id }),
        files: [{ name: 'photo', filePath: file.filePath, fileName: 'one.bin' }],
        background: true,
      },
    });
    expectSuccess(r);
    const rec = await suite.server.waitFor((x) => x.id === id && x.responded);
    expect(rec.summary?.files).toEqual([
      expect.objectContaining({ field: 'photo', filename: 'one.bin', sha256: file.sha256 }),
    ]);
    expect(modes).toEqual([request.agent.Mode.BACKGROUND]);
  });

  it('files with several native entries: the native side refuses them as background mode, nothing is sent', async () => {
    const { files } = await twoNativeFiles([1000, 1000], 'bg');
    const id = uniqueId('bridge-background-files-refused');
    const r = await suite.target.run({
      options: {
        url: urlFor(suite.server, { id }),
        files,
        background: true,
      },
    });
    expectFailure(
      r,
      'uploadFile:fail parameter error: parameter.files lists 2 files, and a background upload sends one (request.agent would send each in a request of its own): upload them one at a time, or in one request without background mode',
    );
    await expectNeverReached(suite.server, id);
  });

  it('files of web data are refused at once, as filePath is', async () => {
    const r = await suite.target.run({
      options: {
        url: urlFor(suite.server, {}),
        files: [
          { name: 'a', filePath: 'data:text/plain,a' },
          { name: 'b', filePath: 'data:text/plain,b' },
        ],
        background: true,
      },
    });
    expectFailure(
      r,
      'uploadFile:fail background uploads need a native file (a path of the app sandbox, uploaded by the native side): web data (a Blob, File, blob: or data: URL) is uploaded by the page itself, which does not outlive the app',
    );
  });

  it('web data (a data: URL) is refused at once: the page cannot outlive the app', async () => {
    const r = await suite.target.run({
      options: { url: urlFor(suite.server, {}), filePath: 'data:text/plain,hello', name: 'file', background: true },
    });
    expectFailure(
      r,
      'uploadFile:fail background uploads need a native file (a path of the app sandbox, uploaded by the native side): web data (a Blob, File, blob: or data: URL) is uploaded by the page itself, which does not outlive the app',
    );
  });
});
