/**
 * The app sandbox and the `@ohos.file.fs` subset (SDK `@ohos.file.fs.d.ts`; error codes from its @throws
 * lists), and the kit modules the vitest aliases point at.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync, symlinkSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fileIo from '@ohos.file.fs';
import request from '@ohos.request';
import { fileIo as kitFileIo } from '@kit.CoreFileKit';
import { request as kitRequest } from '@kit.BasicServicesKit';
import {
  addUserFile,
  emulationStats,
  fileCopiesStarted,
  holdFileCopies,
  resetEmulation,
  revokeUserFile,
} from '../control';
import { common } from '../kits/AbilityKit';
import { APPLICATION_DIRS, BUNDLE_NAME, CONTEXT_DIRS, getSandbox } from '../sandbox';
import { errorCode, sleep } from '../test-helpers';

const sandbox = getSandbox();
const { AccessModeType } = fileIo;
const CACHE = CONTEXT_DIRS.cacheDir;
const FILES = CONTEXT_DIRS.filesDir;

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

describe('sandbox: the app view of storage (SDK FileSpec.path; js_initialize.cpp CheckBelongAppBaseDir)', () => {
  it('maps el1/el2 base paths and own-bundle file:// URIs into the real root; nothing else exists', () => {
    const real = sandbox.realPath(`${CACHE}/a.txt`);
    expect(real?.startsWith(sandbox.root)).toBe(true);
    expect(sandbox.realPath(`file://${BUNDLE_NAME}${CACHE}/a.txt`)).toBe(real);
    expect(sandbox.realPath('/data/storage/el1/base/x')?.startsWith(sandbox.root)).toBe(true);
    expect(sandbox.realPath('/etc/passwd')).toBeUndefined();
    expect(sandbox.realPath('/data/storage/el2/base/../../../etc/passwd')).toBeUndefined();
    expect(sandbox.realPath('file://com.other.app/data/storage/el2/base/a.txt')).toBeUndefined();
    expect(sandbox.realPath('relative.txt')).toBeUndefined();
  });

  it('the context is stage-model, of the app BUNDLE_NAME, with the entry module directories, which exist', () => {
    const context = sandbox.createContext();
    expect(context).toEqual({
      stageMode: true,
      applicationInfo: { name: BUNDLE_NAME },
      cacheDir: '/data/storage/el2/base/haps/entry/cache',
      filesDir: '/data/storage/el2/base/haps/entry/files',
      tempDir: '/data/storage/el2/base/haps/entry/temp',
      getApplicationContext: expect.any(Function),
    });
    expect(context.getApplicationContext().filesDir).toBe(APPLICATION_DIRS.filesDir);
    for (const dir of [context.cacheDir, context.filesDir, context.tempDir]) {
      expect(statSync(sandbox.realPath(dir) ?? '').isDirectory()).toBe(true);
    }
  });

  it('the application-level context has the area base directory without haps/<module>, which exists', () => {
    const app = sandbox.createApplicationContext();
    expect(app).toMatchObject({ stageMode: true, applicationInfo: { name: BUNDLE_NAME }, ...APPLICATION_DIRS });
    expect(app.tempDir).toBe('/data/storage/el2/base/temp');
    expect(statSync(sandbox.realPath(app.tempDir) ?? '').isDirectory()).toBe(true);
  });

  it('writeFile streams generated content (deterministic per seed) and returns its sha256; list() shows it', async () => {
    const size = 5 * 1024 * 1024 + 3;
    const sha = await sandbox.writeFile(`${FILES}/gen/big.bin`, { size, seed: 42 });
    const real = sandbox.realPath(`${FILES}/gen/big.bin`) ?? '';
    expect(statSync(real).size).toBe(size);
    expect(await sha256OfFile(real)).toBe(sha);
    expect(await sandbox.writeFile(`${FILES}/gen/again.bin`, { size, seed: 42 })).toBe(sha);
    expect(await sandbox.writeFile(`${FILES}/gen/other.bin`, { size, seed: 43 })).not.toBe(sha);
    expect(await sandbox.writeFile(`${FILES}/gen/text.txt`, 'abc')).toBe(
      createHash('sha256').update('abc').digest('hex'),
    );
    expect(sandbox.list(`${FILES}/gen`)).toEqual(['again.bin', 'big.bin', 'other.bin', 'text.txt']);
    expect(sandbox.list(`${FILES}/none`)).toEqual([]);
    await expect(sandbox.writeFile('/tmp/outside.txt', 'x')).rejects.toThrow();
  });
});

describe('fileIo (@ohos.file.fs subset)', () => {
  it('access resolves true/false and checks the mode', async () => {
    await sandbox.writeFile(`${FILES}/acc.txt`, 'a');
    expect(await fileIo.access(`${FILES}/acc.txt`)).toBe(true);
    expect(await fileIo.access(`${FILES}/acc.txt`, AccessModeType.READ_WRITE)).toBe(true);
    expect(await fileIo.access(`${FILES}/nope.txt`)).toBe(false);
    expect(await fileIo.access('/etc/passwd')).toBe(false);
    expect(await errorCode(() => fileIo.access(''))).toBe(13900020);
  });

  it('mkdir creates one level, or every level with recursion; an existing path is 13900015, a missing parent 13900002', async () => {
    await fileIo.mkdir(`${FILES}/m1`, false);
    expect(await fileIo.access(`${FILES}/m1`)).toBe(true);
    await fileIo.mkdir(`${FILES}/m2/a/b`, true);
    expect((await fileIo.stat(`${FILES}/m2/a/b`)).isDirectory()).toBe(true);
    expect(await errorCode(() => fileIo.mkdir(`${FILES}/m1`, false))).toBe(13900015);
    expect(await errorCode(() => fileIo.mkdir(`${FILES}/m2/a/b`, true))).toBe(13900015);
    expect(await errorCode(() => fileIo.mkdir(`${FILES}/m3/x`, false))).toBe(13900002);
    expect(await errorCode(() => fileIo.mkdir('/outside/dir', true))).toBe(13900002);
  });

  it('stat / lstat: size, kind, mtime in seconds; symlinks seen by lstat; missing is 13900002', async () => {
    await sandbox.writeFile(`${FILES}/st.txt`, '12345');
    const st = await fileIo.stat(`${FILES}/st.txt`);
    expect(st.size).toBe(5);
    expect(st.isFile()).toBe(true);
    expect(st.isDirectory()).toBe(false);
    expect(Math.abs(st.mtime - Date.now() / 1000)).toBeLessThan(60);
    const link = sandbox.realPath(`${FILES}/link.txt`) ?? '';
    if (!existsSync(link)) symlinkSync(sandbox.realPath(`${FILES}/st.txt`) ?? '', link);
    expect((await fileIo.lstat(`${FILES}/link.txt`)).isSymbolicLink()).toBe(true);
    expect((await fileIo.stat(`${FILES}/link.txt`)).isSymbolicLink()).toBe(false);
    expect(await errorCode(() => fileIo.stat(`${FILES}/missing`))).toBe(13900002);
    expect(await errorCode(() => fileIo.lstat('/proc/self'))).toBe(13900002);
    expect(await errorCode(() => fileIo.stat(3))).toBe(13900008);
  });

  it('copyFile streams a copy (same sha256), replaces the destination; a missing source is 13900002', async () => {
    const sha = await sandbox.writeFile(`${FILES}/src.bin`, { size: 3 * 1024 * 1024, seed: 5 });
    await sandbox.writeFile(`${CACHE}/dst.bin`, 'old content');
    await fileIo.copyFile(`${FILES}/src.bin`, `${CACHE}/dst.bin`);
    expect(await sha256OfFile(sandbox.realPath(`${CACHE}/dst.bin`) ?? '')).toBe(sha);
    expect(await errorCode(() => fileIo.copyFile(`${FILES}/none.bin`, `${CACHE}/x.bin`))).toBe(13900002);
    expect(await errorCode(() => fileIo.copyFile(`${FILES}/src.bin`, `${CACHE}/no/dir/x.bin`))).toBe(13900002);
    expect(await errorCode(() => fileIo.copyFile(`${FILES}/src.bin`, '/tmp/escape.bin'))).toBe(13900002);
    expect(await errorCode(() => fileIo.copyFile(FILES, `${CACHE}/dir.bin`))).toBe(13900019);
    expect(await errorCode(() => fileIo.copyFile(`${FILES}/src.bin`, `${CACHE}/m.bin`, 1))).toBe(13900020);
  });

  it('unlink removes a file (promise and callback forms); a missing file is 13900002, a directory 13900019', async () => {
    await sandbox.writeFile(`${FILES}/u1.txt`, 'u');
    await sandbox.writeFile(`${FILES}/u2.txt`, 'u');
    await fileIo.unlink(`${FILES}/u1.txt`);
    expect(await fileIo.access(`${FILES}/u1.txt`)).toBe(false);
    const error = await new Promise<unknown>((resolve) => fileIo.unlink(`${FILES}/u2.txt`, (err) => resolve(err)));
    expect(error).toBeUndefined();
    expect(await fileIo.access(`${FILES}/u2.txt`)).toBe(false);
    expect(await errorCode(() => fileIo.unlink(`${FILES}/u1.txt`))).toBe(13900002);
    const missing = await new Promise<{ code?: number }>((resolve) =>
      fileIo.unlink(`${FILES}/u1.txt`, (err) => resolve(err)),
    );
    expect(missing.code).toBe(13900002);
    await fileIo.mkdir(`${FILES}/udir`, false);
    expect(await errorCode(() => fileIo.unlink(`${FILES}/udir`))).toBe(13900019);
  });

  it('open / close: a File with an fd, counted until closed; stat and copyFile take the fd', async () => {
    await resetEmulation();
    const sha = await sandbox.writeFile(`${FILES}/fd-src.bin`, { size: 2 * 1024 * 1024 + 5, seed: 9 });
    const file = await fileIo.open(`${FILES}/fd-src.bin`, fileIo.OpenMode.READ_ONLY);
    expect(typeof file.fd).toBe('number');
    expect(emulationStats().openFiles).toBe(1);
    expect((await fileIo.stat(file.fd)).size).toBe(2 * 1024 * 1024 + 5);
    // Twice: a source descriptor is copied from its start, whatever was read before.
    for (const name of ['fd-a.bin', 'fd-b.bin']) {
      await fileIo.copyFile(file.fd, `${CACHE}/${name}`);
      expect(await sha256OfFile(sandbox.realPath(`${CACHE}/${name}`) ?? '')).toBe(sha);
    }
    await fileIo.close(file);
    expect(emulationStats().openFiles).toBe(0);
    expect(await errorCode(() => fileIo.close(file))).toBe(13900008);
    expect(await errorCode(() => fileIo.stat(file.fd))).toBe(13900008);
    expect(await errorCode(() => fileIo.copyFile(file.fd, `${CACHE}/fd-c.bin`))).toBe(13900008);
  });

  it('open: a missing file is 13900002, WRITE_ONLY|READ_WRITE or an unknown flag 13900020; CREATE makes one', async () => {
    expect(await errorCode(() => fileIo.open(`${FILES}/no-such.bin`))).toBe(13900002);
    expect(await errorCode(() => fileIo.open('/etc/passwd'))).toBe(13900002);
    expect(await errorCode(() => fileIo.open(`${FILES}/x.bin`, 0o3))).toBe(13900020);
    expect(await errorCode(() => fileIo.open(`${FILES}/x.bin`, 0o4000))).toBe(13900020);
    const created = await fileIo.open(`${FILES}/created.bin`, 0o1 | 0o100);
    await fileIo.close(created.fd);
    expect(await fileIo.access(`${FILES}/created.bin`)).toBe(true);
    expect(emulationStats().openFiles).toBe(0);
  });

  it('user files: only open() reaches a file://media/ URI, read-only, while the app holds a grant', async () => {
    const photo = await addUserFile({ content: { size: 300_000, seed: 3 }, displayName: 'IMG_0001.jpg' });
    expect(photo.uri).toMatch(/^file:\/\/media\/Photo\/\d+\/IMG_\d+_\d{3}\/IMG_0001\.jpg$/);
    expect(photo.size).toBe(300_000);
    // Its URI is no path of the sandbox.
    expect(await errorCode(() => fileIo.stat(photo.uri))).toBe(13900002);
    expect(await errorCode(() => fileIo.copyFile(photo.uri, `${CACHE}/u.bin`))).toBe(13900002);
    expect(await fileIo.access(photo.uri)).toBe(false);
    const file = await fileIo.open(photo.uri, fileIo.OpenMode.READ_ONLY);
    expect((await fileIo.stat(file.fd)).size).toBe(300_000);
    await fileIo.copyFile(file.fd, `${CACHE}/from-media.jpg`);
    await fileIo.close(file);
    expect(await sha256OfFile(sandbox.realPath(`${CACHE}/from-media.jpg`) ?? '')).toBe(photo.sha256);
    expect(await errorCode(() => fileIo.open(photo.uri, 0o2))).toBe(13900012);
    revokeUserFile(photo.uri);
    expect(await errorCode(() => fileIo.open(photo.uri))).toBe(13900012);
    const denied = await addUserFile({ content: 'x', displayName: 'a b.jpg', access: 'denied' });
    expect(denied.uri.endsWith('/a%20b.jpg')).toBe(true);
    expect(await errorCode(() => fileIo.open(denied.uri))).toBe(13900012);
    expect(await errorCode(() => fileIo.open(`${photo.uri}.missing`))).toBe(13900002);
    expect(emulationStats().openFiles).toBe(0);
  });

  it('write / fsync / rename / readText: text written as UTF-8, renamed over a file in one step, read back', async () => {
    const dir = `${FILES}/record`;
    await fileIo.mkdir(dir, true).catch(() => undefined);
    const file = await fileIo.open(
      `${dir}/r.json.tmp`,
      fileIo.OpenMode.WRITE_ONLY | fileIo.OpenMode.CREATE | fileIo.OpenMode.TRUNC,
    );
    expect(await fileIo.write(file.fd, '{"é":1}')).toBe(8);
    await fileIo.fsync(file.fd);
    await fileIo.close(file);
    await sandbox.writeFile(`${dir}/r.json`, 'old');
    await fileIo.rename(`${dir}/r.json.tmp`, `${dir}/r.json`);
    expect(await fileIo.readText(`${dir}/r.json`)).toBe('{"é":1}');
    expect(await fileIo.access(`${dir}/r.json.tmp`)).toBe(false);
    // A descriptor opened read-only cannot be written (13900008); a missing source cannot be renamed (13900002).
    const readOnly = await fileIo.open(`${dir}/r.json`);
    expect(await errorCode(() => fileIo.write(readOnly.fd, 'x'))).toBe(13900008);
    await fileIo.close(readOnly);
    expect(await errorCode(() => fileIo.rename(`${dir}/none`, `${dir}/r.json`))).toBe(13900002);
    expect(await errorCode(() => fileIo.readText(`${dir}/none`))).toBe(13900002);
    expect(emulationStats().openFiles).toBe(0);
  });

  it('holdFileCopies: copies wait before their first byte until released, counted as running', async () => {
    await sandbox.writeFile(`${FILES}/held.bin`, 'held');
    const before = fileCopiesStarted();
    const release = holdFileCopies();
    let done = false;
    const copy = fileIo.copyFile(`${FILES}/held.bin`, `${CACHE}/held.bin`).then(() => {
      done = true;
    });
    await sleep(50);
    expect(done).toBe(false);
    expect(emulationStats().copiesRunning).toBe(1);
    expect(fileCopiesStarted()).toBe(before + 1);
    expect(await fileIo.access(`${CACHE}/held.bin`)).toBe(false);
    release();
    await copy;
    expect(emulationStats().copiesRunning).toBe(0);
    expect(await fileIo.access(`${CACHE}/held.bin`)).toBe(true);
  });

  it('errors are BusinessErrors: an Error with a numeric code and the SDK text', async () => {
    const error = await fileIo.stat(`${FILES}/missing`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: 13900002, message: 'No such file or directory' });
  });

  it('AccessModeType has the SDK values', () => {
    expect([AccessModeType.EXIST, AccessModeType.WRITE, AccessModeType.READ, AccessModeType.READ_WRITE]).toEqual([
      0, 2, 4, 6,
    ]);
    expect(fileIo.AccessModeType[4]).toBe('READ');
  });
});

describe('kits and module constants (docs/platform/ohos.request.md §1 "Error constants"; SDK enums)', () => {
  it('the kits re-export the emulated modules', () => {
    expect(kitFileIo).toBe(fileIo);
    expect(kitRequest).toBe(request);
    expect(common).toEqual({});
  });

  it('request error constants', () => {
    expect([
      request.EXCEPTION_PERMISSION,
      request.EXCEPTION_PARAMCHECK,
      request.EXCEPTION_UNSUPPORTED,
      request.EXCEPTION_FILEIO,
      request.EXCEPTION_FILEPATH,
      request.EXCEPTION_SERVICE,
      request.EXCEPTION_OTHERS,
    ]).toEqual([201, 401, 801, 13400001, 13400002, 13400003, 13499999]);
  });

  it('agent enums have the SDK values and reverse mappings', () => {
    const { Action, Mode, Network, State, Faults } = request.agent;
    expect([Action.DOWNLOAD, Action.UPLOAD, Mode.BACKGROUND, Mode.FOREGROUND]).toEqual([0, 1, 0, 1]);
    expect([Network.ANY, Network.WIFI, Network.CELLULAR]).toEqual([0, 1, 2]);
    expect([
      State.INITIALIZED,
      State.WAITING,
      State.RUNNING,
      State.RETRYING,
      State.PAUSED,
      State.STOPPED,
      State.COMPLETED,
      State.FAILED,
      State.REMOVED,
    ]).toEqual([0x00, 0x10, 0x20, 0x21, 0x30, 0x31, 0x40, 0x41, 0x50]);
    expect([
      Faults.OTHERS,
      Faults.DISCONNECTED,
      Faults.TIMEOUT,
      Faults.PROTOCOL,
      Faults.PARAM,
      Faults.FSIO,
      Faults.DNS,
      Faults.TCP,
      Faults.SSL,
      Faults.REDIRECT,
    ]).toEqual([0xff, 0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80]);
    expect(State[0x40]).toBe('COMPLETED');
  });
});
