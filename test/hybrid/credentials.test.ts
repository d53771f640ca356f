/**
 * `withCredentials` on the page path, in Chromium: the page's cookies go with a cross-origin upload only
 * when it is true, and the server must then answer CORS for credentials. (Taro H5 defaults it to true; the
 * library keeps XMLHttpRequest's false.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueId, urlFor } from '../contract/cases';
import { expectFailure, expectSuccess } from '../contract/recording';
import { usePageTarget } from './target';

describe('page path: withCredentials', () => {
  const suite = usePageTarget();

  beforeAll(async () => {
    // A cookie of the upload server's host: the page (another port, so another origin) may send it.
    const host = new URL(suite.server.origin).hostname;
    await suite.harness.page.context().addCookies([{ name: 'session', value: 'taro-42', domain: host, path: '/' }]);
  });

  async function upload(withCredentials: boolean | undefined, credentialedCors: boolean) {
    const file = await suite.harness.addFile(64 * 1024);
    const id = uniqueId('credentials');
    const recording = await suite.harness.run({
      options: {
        url: urlFor(suite.server, credentialedCors ? { id, credentials: 1 } : { id }),
        filePath: file.filePath,
        name: 'file',
        ...(withCredentials === undefined ? {} : { withCredentials }),
      },
    });
    return { recording, file, id, record: () => suite.server.waitFor((r) => r.id === id && r.endedAt !== undefined) };
  }

  it('true: the cookies arrive with the upload, and the file whole', async () => {
    const { recording, record, file } = await upload(true, true);
    expectSuccess(recording);
    expect((await record()).headers.cookie).toBe('session=taro-42');
    expect((await record()).summary?.files[0].sha256).toBe(file.sha256);
  });

  it('absent or false: no cookie is sent', async () => {
    for (const withCredentials of [undefined, false]) {
      const { recording, record } = await upload(withCredentials, true);
      expectSuccess(recording);
      expect((await record()).headers.cookie).toBeUndefined();
    }
  });

  it('true, to a server whose CORS answer is `*`: the browser refuses the preflight; nothing is sent', async () => {
    const { recording, id } = await upload(true, false);
    expectFailure(
      recording,
      'uploadFile:fail network error: the request failed before any response (connection refused or reset, name not ' +
        "resolved, blocked as mixed content, or refused by the server's CORS policy; the browser does not say which)",
    );
    expect(suite.server.byId(id)).toEqual([]);
  });

  it('not a boolean: a parameter error', async () => {
    const file = await suite.harness.addFile(1024);
    const recording = await suite.harness.run({
      options: {
        url: urlFor(suite.server),
        filePath: file.filePath,
        name: 'file',
        withCredentials: 'yes' as unknown as boolean,
      },
    });
    expectFailure(
      recording,
      'uploadFile:fail parameter error: parameter.withCredentials should be Boolean instead of String',
    );
  });
});
