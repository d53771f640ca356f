/**
 * The bridge with its native side on @ohos.net.http: the page gets the server's whole answer (a status
 * without a reason phrase, the body of a 4xx/5xx) through the same protocol, and the upload contract
 * holds for the cases that tell the engines apart.
 */
import { describe, expect, it } from 'vitest';
import { contractCases, uniqueId, urlFor } from '../contract/cases';
import { expectSuccess } from '../contract/recording';
import { nativeFile, useBridgeTarget } from './target';

/** The contract cases where @ohos.net.http differs from request.agent, in the suite's order, and the leak check. */
const CHOSEN = [
  'uploads the file: the server receives the same bytes, the fields and the request headers',
  'abort mid-upload: fail with uploadFile:fail abort, complete once, nothing after, the server sees the connection end',
  'HTTP 404: reported as the platform allows (a success with statusCode where it can see it)',
  'HTTP 503: reported as the platform allows (a success with statusCode where it can see it)',
  'a missing file: uploadFile:fail file not found: <path>',
  'afterwards nothing is left behind: no tasks, listeners, sockets or temporary files',
];

describe('the bridge, native side on @ohos.net.http', () => {
  const suite = useBridgeTarget({ backend: 'http' });
  const cases = contractCases.filter((c) => CHOSEN.includes(c.name));

  it('runs every chosen contract case (none was renamed away)', () => {
    expect(cases.map((c) => c.name)).toEqual(CHOSEN);
  });

  it('a 522 reaches the page with its status, headers and body; the native task saw the same', async () => {
    const file = await nativeFile(20_000, 'bridge-522.bin');
    const id = uniqueId('bridge-522');
    const r = await suite.target.run({
      options: {
        url: urlFor(suite.server, { id, status: 522, body: 'origin down', 'header.X-Why': 'cdn' }),
        filePath: file.filePath,
        name: 'file',
      },
    });
    expect(expectSuccess(r)).toMatchObject({
      statusCode: 522,
      data: 'origin down',
      header: { 'x-why': 'cdn' },
      errMsg: 'uploadFile:ok',
    });
    const native = suite.side.native.uploads.at(-1);
    await native?.done;
    expect(native?.events.at(-1)).toMatchObject({ kind: 'resolved', result: { statusCode: 522, data: 'origin down' } });
    expect(suite.server.byId(id)[0]?.summary?.files[0]?.sha256).toBe(file.sha256);
  });

  for (const c of cases) it(c.name, () => c.run(suite.target));
});
