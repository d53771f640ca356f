/**
 * The bridge fails closed: what the host cannot check it refuses. An lstat that errs on the way to the
 * file refuses the upload, and says why.
 * The failures are injected into the emulation: `failFileCall` (@ohos.file.fs).
 */ import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureEmulation, failFileCall, resetEmulation } from '../../emulator/control';
import { startUploadServer } from '../../server/upload-server';
import type { UploadServer } from '../../server/types';
import { uniqueId, urlFor } from '../contract/cases';
import { bridgeDir, errMsgOf, nativeFile, startBridgePage } from './bridge-harness';
import type { BridgePage } from './bridge-harness';

let server: UploadServer;

beforeAll(async () => {
  server = await startUploadServer();
  configureEmulation({ progressIntervalMs: 100 });
});
afterAll(async () => {
  await resetEmulation();
  await server.close();
});

describe('a path check that errs refuses the upload', () => {
  let side: BridgePage;
  beforeAll(async () => {
    side = await startBridgePage();
  });
  afterAll(async () => side?.harness.close());

  it.each([
    { where: 'the file itself', code: 13900005, text: 'I/O error', at: (path: string) => path },
    {
      where: 'a directory on the way',
      code: 13900012,
      text: 'Permission denied',
      at: (path: string) => path.slice(0, path.lastIndexOf('/')),
    },
  ])(
    'lstat failing on $where ($code): refused with the reason, nothing reaches the server',
    async ({ code, text, at }) => {
      const file = await nativeFile(1000, 'checked/x.bin');
      const failing = at(file.filePath);
      failFileCall('lstat', failing, code);
      const started = side.native.uploads.length;
      const id = uniqueId('lstat');
      const r = await side.harness.run({
        options: { url: urlFor(server, { id }), filePath: file.filePath, name: 'file' },
      });
      expect(errMsgOf(r)).toBe(
        `uploadFile:fail refused by the native bridge: cannot check filePath "${file.filePath}" for symbolic links: lstat of ${failing} failed (${code} ${text})`,
      );
      expect(server.byId(id)).toEqual([]);
      expect(side.native.uploads.length).toBe(started);
    },
  );

  it('only "no such file or directory" ends the walk: the upload then fails with file not found, as in ArkTS', async () => {
    const missing = uniqueId('missing');
    for (const filePath of [`${bridgeDir}/${missing}.bin`, `${bridgeDir}/${missing}/x.bin`]) {
      const id = uniqueId('enoent');
      const r = await side.harness.run({ options: { url: urlFor(server, { id }), filePath, name: 'file' } });
      expect(errMsgOf(r), filePath).toBe(`uploadFile:fail file not found: ${filePath}`);
      expect(server.byId(id)).toEqual([]);
    }
  });
});
