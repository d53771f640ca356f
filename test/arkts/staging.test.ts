/**
 * The temporary copies (src/arkts/staging.ts) through the emulation to the real server: what an earlier
 * process left behind is deleted the first time this one makes a copy, and a copy that cannot be made says
 * so. This file's process makes no copy before the first test, so its first upload is the first staging.
 */
import { utimesSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configure, uploadFile } from '../../src/arkts/index';
import { COPY_DIR } from '../../src/arkts/staging';
import { failFileCall } from '../../emulator/control';
import { getSandbox } from '../../emulator/sandbox';
import type { UploadServer } from '../../server/types';
import { startEmulatedDevice, stopEmulatedDevice } from './device';

let server: UploadServer;
const sandbox = getSandbox();
const context = sandbox.createContext();
const copies = `${context.cacheDir}/${COPY_DIR}`;

beforeAll(async () => {
  server = await startEmulatedDevice();
});
afterAll(() => stopEmulatedDevice(server));

/** A folder as a process started `startedAgoMs` ago leaves it, its copy last written `writtenAgoS` ago. */
async function leftOver(startedAgoMs: number, writtenAgoS: number): Promise<string> {
  const folder = `${(Date.now() - startedAgoMs).toString(36)}-1`;
  await sandbox.writeFile(`${copies}/${folder}/file.upload`, { size: 64 * 1024, seed: 1 });
  const when = Date.now() / 1000 - writtenAgoS;
  for (const path of [`${copies}/${folder}/file.upload`, `${copies}/${folder}`]) {
    utimesSync(sandbox.realPath(path) ?? '', when, when);
  }
  return folder;
}

describe('temporary copies', () => {
  it("an earlier process's left-over copies are deleted at this one's first copy; young ones are kept", async () => {
    const crashed = await leftOver(3 * 3600 * 1000, 2 * 3600);
    const otherProcess = await leftOver(2 * 3600 * 1000, 60);
    const sameStart = await leftOver(1000, 2 * 3600);
    expect(sandbox.list(copies)).toEqual([crashed, otherProcess, sameStart].sort());
    configure({ context, backend: 'uploadFile' });
    const filePath = `${context.filesDir}/staging/photo.jpg`;
    const sha256 = await sandbox.writeFile(filePath, { size: 200 * 1024, seed: 2 });
    const res = await uploadFile({ url: server.uploadUrl, filePath, name: 'file' });
    expect(JSON.parse(res.data).files[0].sha256).toBe(sha256);
    // The crashed process's copy is gone; one written a minute ago, or by a process started with this one
    // (another copy of the library), may still be in use.
    await expect.poll(() => sandbox.list(copies)).toEqual([otherProcess, sameStart].sort());
  });

  it('a copy that cannot be made fails with what went wrong, and leaves nothing', async () => {
    configure({ context, backend: 'uploadFile' });
    const filePath = `${context.filesDir}/staging/too-big.bin`;
    await sandbox.writeFile(filePath, { size: 1024, seed: 3 });
    const before = sandbox.list(copies);
    failFileCall('copyFile', filePath, 13900025);
    await expect(uploadFile({ url: server.uploadUrl, filePath, name: 'file' })).rejects.toEqual({
      errMsg: `uploadFile:fail cannot copy ${filePath} to a temporary file in cacheDir (13900025 No space left on device)`,
    });
    await expect.poll(() => sandbox.list(copies)).toEqual(before);
  });

  it('several files on @ohos.net.http, the second copy cannot be made: the failure names its entry, the first copy is deleted', async () => {
    configure({ context, backend: 'http' });
    const first = `${context.filesDir}/staging/first.bin`;
    const second = `${context.filesDir}/staging/second.bin`;
    await sandbox.writeFile(first, { size: 1024, seed: 4 });
    await sandbox.writeFile(second, { size: 1024, seed: 5 });
    const before = sandbox.list(copies);
    failFileCall('copyFile', second, 13900025);
    // A fileName other than the path's last segment: each file is sent from a copy of that name.
    const files = [
      { name: 'a', filePath: first, fileName: 'one.bin' },
      { name: 'b', filePath: second, fileName: 'two.bin' },
    ];
    await expect(uploadFile({ url: server.uploadUrl, files })).rejects.toEqual({
      errMsg: `uploadFile:fail files[1]: cannot copy ${second} to a temporary file in cacheDir (13900025 No space left on device)`,
    });
    await expect.poll(() => sandbox.list(copies)).toEqual(before);
  });
});
