/**
 * The `@ohos.file.fs` subset the project declares (vitest aliases '@ohos.file.fs' here), over the app
 * sandbox of `sandbox.ts`. Paths are sandbox paths (`/data/storage/el2/base/...`); a path outside the
 * storage areas does not exist for the app. Failures are BusinessErrors with the file-management codes of
 * the SDK (`@ohos.file.fs.d.ts` @throws lists: 13900002 No such file or directory, 13900020 Invalid argument,
 * ...).
 */
import { constants, createReadStream, createWriteStream, type Stats } from 'node:fs';
import {
  access as accessReal,
  lstat as lstatReal,
  mkdir as mkdirReal,
  rm as rmReal,
  stat as statReal,
  unlink as unlinkReal,
} from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { AsyncCallback, BusinessError } from '@ohos.base';
import type FileIoModule from '@ohos.file.fs';
import { errnoCode, fileIoError, fileIoErrorFromNode, fileIoErrorOfCode } from '../errors';
import { getSandbox } from '../sandbox';
import { type FileIoCall, fileFaultKey, fileFaults } from '../state';

type Stat = FileIoModule.Stat;

export const AccessModeType = Object.freeze({
  EXIST: 0,
  WRITE: 2,
  READ: 4,
  READ_WRITE: 6,
  0: 'EXIST',
  2: 'WRITE',
  4: 'READ',
  6: 'READ_WRITE',
} as const);

const ACCESS_FLAGS: Readonly<Record<number, number>> = {
  [AccessModeType.EXIST]: constants.F_OK,
  [AccessModeType.WRITE]: constants.W_OK,
  [AccessModeType.READ]: constants.R_OK,
  [AccessModeType.READ_WRITE]: constants.R_OK | constants.W_OK,
};

/** Whether the file exists (resolves false when it does not) and allows `mode`. */
export async function access(path: string, mode: number = AccessModeType.EXIST): Promise<boolean> {
  injectedFault('access', path);
  const flags = ACCESS_FLAGS[mode];
  if (flags === undefined) throw fileIoError('EINVAL');
  const real = realPathOf(path);
  if (real === undefined) return false;
  try {
    await accessReal(real, flags);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw fileIoErrorFromNode(error);
  }
}

/** Copies a file, streaming it (never whole in memory); the destination is replaced. */
export async function copyFile(src: string | number, dest: string | number, mode = 0): Promise<void> {
  injectedFault('copyFile', src);
  injectedFault('copyFile', dest);
  if (mode !== 0) throw fileIoError('EINVAL');
  // The app has no descriptors from this subset of the module (no fs.open), so numbers are bad descriptors.
  if (typeof src === 'number' || typeof dest === 'number') throw fileIoError('EBADF');
  const from = existingRealPath(src);
  const to = realPathOf(dest);
  if (to === undefined) throw fileIoError('ENOENT');
  try {
    await pipeline(createReadStream(from), createWriteStream(to));
  } catch (error) {
    throw fileIoErrorFromNode(error);
  }
}

export async function lstat(path: string): Promise<Stat> {
  injectedFault('lstat', path);
  return toStat(await nodeCall(() => lstatReal(existingRealPath(path))));
}

export async function stat(file: string | number): Promise<Stat> {
  injectedFault('stat', file);
  if (typeof file === 'number') throw fileIoError('EBADF');
  return toStat(await nodeCall(() => statReal(existingRealPath(file))));
}

/**
 * Creates a directory; with `recursion`, its missing parents too. An existing path is 13900015 File exists
 * in both forms (the SDK lists it for `mkdir(path, recursion)`).
 */
export async function mkdir(path: string, recursion = false): Promise<void> {
  injectedFault('mkdir', path);
  const real = realPathOf(path);
  if (real === undefined) throw fileIoError('ENOENT');
  await nodeCall(async () => {
    if (recursion) {
      const exists = await accessReal(real).then(
        () => true,
        () => false,
      );
      if (exists) throw fileIoError('EEXIST');
    }
    await mkdirReal(real, { recursive: recursion });
  });
}

/**
 * Deletes a directory and everything in it ("删除整个目录", js-apis-file-fs.md `fs.rmdir`); a path that is not
 * a directory is 13900018 Not a directory.
 */
export async function rmdir(path: string): Promise<void> {
  injectedFault('rmdir', path);
  const real = existingRealPath(path);
  const st = await nodeCall(() => lstatReal(real));
  if (!st.isDirectory()) throw fileIoError('ENOTDIR');
  await nodeCall(() => rmReal(real, { recursive: true }));
}

export function unlink(path: string, callback: AsyncCallback<void>): void;
export function unlink(path: string): Promise<void>;
export function unlink(path: string, callback?: AsyncCallback<void>): Promise<void> | void {
  const result = nodeCall(async () => {
    injectedFault('unlink', path);
    return unlinkReal(existingRealPath(path));
  });
  if (callback === undefined) return result;
  result.then(
    () => callback(undefined as unknown as BusinessError, undefined),
    (error: BusinessError) => callback(error, undefined),
  );
}

const fileIo: typeof FileIoModule = { access, copyFile, lstat, mkdir, rmdir, stat, unlink, AccessModeType };
export default fileIo;

/** Throws the failure `failFileCall` (control.ts) set for this call on this path, if any. */
function injectedFault(call: FileIoCall, path: unknown): void {
  if (typeof path !== 'string') return;
  const code = fileFaults.get(fileFaultKey(call, path));
  if (code !== undefined) throw fileIoErrorOfCode(code) ?? fileIoError('UNKNOWN');
}

function realPathOf(path: unknown): string | undefined {
  if (typeof path !== 'string' || path === '') throw fileIoError('EINVAL');
  return getSandbox().realPath(path);
}

function existingRealPath(path: unknown): string {
  const real = realPathOf(path);
  if (real === undefined) throw fileIoError('ENOENT');
  return real;
}

/** Runs a Node fs call; its system errors become file-management BusinessErrors. */
async function nodeCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof Error && 'code' in error && typeof error.code === 'number') throw error;
    throw fileIoErrorFromNode(error);
  }
}

function toStat(stats: Stats): Stat {
  return {
    mode: stats.mode,
    size: stats.size,
    // Seconds, as the platform's Stat gives times.
    mtime: Math.floor(stats.mtimeMs / 1000),
    isDirectory: () => stats.isDirectory(),
    isFile: () => stats.isFile(),
    isSymbolicLink: () => stats.isSymbolicLink(),
  };
}
