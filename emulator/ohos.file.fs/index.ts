/**
 * The `@ohos.file.fs` subset the project declares (vitest aliases '@ohos.file.fs' here), over the app
 * sandbox of `sandbox.ts`. Paths are sandbox paths (`/data/storage/el2/base/...`); a path outside the
 * storage areas does not exist for the app. Failures are BusinessErrors with the file-management codes of
 * the SDK (`@ohos.file.fs.d.ts` @throws lists: 13900002 No such file or directory, 13900020 Invalid argument,
 * ...).
 *
 * `open` also takes URIs: `file://<own bundle>/...` (a sandbox path) and `file://media/...`, a user file of
 * the media library (media-library.ts), which nothing else here takes. Its descriptors are real ones,
 * counted until `close` (`emulationStats().openFiles`); `stat` and `copyFile` take them.
 */
import {
  close as closeFd,
  constants,
  fstat,
  fsync as fsyncNode,
  ftruncate,
  open as openFd,
  read as readFd,
  type Stats,
  write as writeFd,
} from 'node:fs';
import { promisify } from 'node:util';
import {
  access as accessReal,
  lstat as lstatReal,
  mkdir as mkdirReal,
  readdir as readdirReal,
  readFile as readFileReal,
  rename as renameReal,
  rm as rmReal,
  stat as statReal,
  unlink as unlinkReal,
} from 'node:fs/promises';
import type { AsyncCallback, BusinessError } from '@ohos.base';
import type FileIoModule from '@ohos.file.fs';
import { errnoCode, fileIoError, fileIoErrorFromNode, fileIoErrorOfCode } from '../errors';
import { isMediaUri, openUserFile } from '../media-library';
import { getSandbox } from '../sandbox';
import { type AppFile, type FileIoCall, appFiles, fileCopies, fileFaultKey, fileFaults } from '../state';

type Stat = FileIoModule.Stat;
type File = FileIoModule.File;

const openReal = promisify(openFd);
const closeReal = promisify(closeFd);
const fstatReal = promisify(fstat);
const fsyncReal = promisify(fsyncNode);
const ftruncateReal = promisify(ftruncate);
const readReal = promisify(readFd);
const writeReal = promisify(writeFd);
/** copyFile moves the bytes through one buffer of this size, reused: a copy's memory does not grow with the file. */
const COPY_CHUNK_BYTES = 1024 * 1024;

/** The SDK's `OpenMode` (`@ohos.file.fs.d.ts`); the values are Linux's open(2) flags, which Node takes as they are. */
export const OpenMode = Object.freeze({
  READ_ONLY: 0o0,
  WRITE_ONLY: 0o1,
  READ_WRITE: 0o2,
  CREATE: 0o100,
  TRUNC: 0o1000,
  APPEND: 0o2000,
} as const);
/** The flags this emulation honours; NONBLOCK, DIR, NOFOLLOW, SYNC are refused as 13900020. */
const KNOWN_MODE_BITS = 0o3 | OpenMode.CREATE | OpenMode.TRUNC | OpenMode.APPEND;
const ACCESS_MODE_MASK = 0o3;

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

/**
 * Opens a file: a sandbox path or `file://<own bundle>/...` URI (CREATE, TRUNC, APPEND as open(2)), or a
 * user file's `file://media/...` URI (read-only, with the app's grant). Resolves with a File whose `fd`
 * stays open until `close`.
 */
export async function open(path: string, mode: number = OpenMode.READ_ONLY): Promise<File> {
  if (typeof path !== 'string' || path === '') throw fileIoError('EINVAL');
  if (!Number.isInteger(mode) || mode < 0 || (mode & ~KNOWN_MODE_BITS) !== 0 || (mode & ACCESS_MODE_MASK) === 0o3) {
    throw fileIoError('EINVAL');
  }
  let fd: number;
  if (isMediaUri(path)) {
    fd = await openUserFile(path, mode);
  } else {
    const real = realPathOf(path);
    if (real === undefined) throw fileIoError('ENOENT');
    fd = await nodeCall(() => openReal(real, mode, 0o660));
  }
  const entry: AppFile = { fd, path, writable: (mode & ACCESS_MODE_MASK) !== OpenMode.READ_ONLY };
  appFiles.set(fd, entry);
  return { fd, path, name: path.slice(path.lastIndexOf('/') + 1) } as File;
}

/** Closes a descriptor from `open` (or its File); any other number is 13900008 Bad file descriptor. */
export async function close(file: number | File): Promise<void> {
  const fd = typeof file === 'number' ? file : (file as { fd?: unknown } | null)?.fd;
  if (typeof fd !== 'number' || !appFiles.has(fd)) throw fileIoError('EBADF');
  appFiles.delete(fd);
  await nodeCall(() => closeReal(fd));
}

/**
 * Copies a whole file, the destination replaced. Either side may be a descriptor from `open`: a source
 * descriptor is read from its start whatever its offset, a destination descriptor is truncated first
 * (file_api `copy_file.cpp`: fstat for the size, then sendfile from offset 0). The bytes go through one
 * reused buffer, as sendfile moves them without the app's memory: a copy of 1 GB costs no more than one of 1 MB.
 */
export async function copyFile(src: string | number, dest: string | number, mode = 0): Promise<void> {
  injectedFault('copyFile', src);
  injectedFault('copyFile', dest);
  if (mode !== 0) throw fileIoError('EINVAL');
  const from = typeof src === 'number' ? appFile(src) : existingRealPath(src);
  const to = typeof dest === 'number' ? appFile(dest) : realPathOf(dest);
  if (to === undefined) throw fileIoError('ENOENT');
  if (typeof to !== 'string' && !to.writable) throw fileIoError('EBADF');
  fileCopies.started++;
  fileCopies.running++;
  const opened: number[] = [];
  const openOwn = async (path: string, flags: string): Promise<number> => {
    const fd = await openReal(path, flags, 0o660);
    opened.push(fd);
    return fd;
  };
  try {
    if (fileCopies.hold) await fileCopies.hold.until;
    const fromFd = typeof from === 'string' ? await openOwn(from, 'r') : from.fd;
    const toFd = typeof to === 'string' ? await openOwn(to, 'w') : to.fd;
    if (typeof to !== 'string') await ftruncateReal(toFd, 0);
    const buffer = Buffer.allocUnsafe(COPY_CHUNK_BYTES);
    for (let position = 0; ; ) {
      const { bytesRead } = await readReal(fromFd, buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      for (let written = 0; written < bytesRead; ) {
        const { bytesWritten } = await writeReal(toFd, buffer, written, bytesRead - written, position + written);
        written += bytesWritten;
      }
      position += bytesRead;
    }
  } catch (error) {
    throw fileIoErrorFromNode(error);
  } finally {
    fileCopies.running--;
    await Promise.all(opened.map((fd) => closeReal(fd).catch(() => undefined)));
    fileCopies.ended?.();
  }
}

export async function lstat(path: string): Promise<Stat> {
  injectedFault('lstat', path);
  return toStat(await nodeCall(() => lstatReal(existingRealPath(path))));
}

/** By path, or by a descriptor from `open` (a user file's size comes this way: its URI is no path). */
export async function stat(file: string | number): Promise<Stat> {
  injectedFault('stat', file);
  if (typeof file === 'number') {
    const { fd } = appFile(file);
    return toStat(await nodeCall(() => fstatReal(fd)));
  }
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
 * The names of a directory's entries (`fs.listFile(path)`; without options: not recursive, every entry).
 * A path that is not a directory is 13900018 Not a directory, a missing one 13900002.
 */
export async function listFile(path: string, options?: { recursion?: boolean; listNum?: number }): Promise<string[]> {
  injectedFault('listFile', path);
  if (options?.recursion) throw fileIoError('EINVAL');
  const real = existingRealPath(path);
  const st = await nodeCall(() => lstatReal(real));
  if (!st.isDirectory()) throw fileIoError('ENOTDIR');
  const names = await nodeCall(() => readdirReal(real));
  return options?.listNum ? names.slice(0, options.listNum) : names;
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

/**
 * Writes `buffer` (text is written as UTF-8, the only `encoding` the SDK names) at the descriptor's offset, or
 * at `options.offset`; resolves with the number of bytes written. A descriptor not opened for writing is
 * 13900008 Bad file descriptor, as write(2) says.
 */
export async function write(
  fd: number,
  buffer: ArrayBuffer | string,
  options?: { offset?: number; length?: number; encoding?: string },
): Promise<number> {
  const file = appFile(fd);
  if (!file.writable) throw fileIoError('EBADF');
  if (options?.encoding !== undefined && options.encoding !== 'utf-8') throw fileIoError('EINVAL');
  const bytes = typeof buffer === 'string' ? Buffer.from(buffer, 'utf8') : Buffer.from(buffer);
  const length = options?.length ?? bytes.length;
  if (!Number.isInteger(length) || length < 0 || length > bytes.length) throw fileIoError('EINVAL');
  const position = options?.offset ?? null;
  return nodeCall(async () => (await writeReal(fd, bytes, 0, length, position)).bytesWritten);
}

/** Flushes a descriptor from `open` to the storage. */
export async function fsync(fd: number): Promise<void> {
  appFile(fd);
  await nodeCall(() => fsyncReal(fd));
}

/**
 * Renames a file or directory, replacing a file at `newPath` (rename(2): atomic on the same file system,
 * which the app's sandbox is).
 */
export async function rename(oldPath: string, newPath: string): Promise<void> {
  const from = existingRealPath(oldPath);
  const to = realPathOf(newPath);
  if (to === undefined) throw fileIoError('ENOENT');
  await nodeCall(() => renameReal(from, to));
}

/** A whole file as text (UTF-8), or `length` bytes of it from `offset`. */
export async function readText(
  filePath: string,
  options?: { offset?: number; length?: number; encoding?: string },
): Promise<string> {
  const real = existingRealPath(filePath);
  if (options?.encoding !== undefined && options.encoding !== 'utf-8') throw fileIoError('EINVAL');
  const whole = await nodeCall(() => readFileReal(real));
  const start = options?.offset ?? 0;
  const end = options?.length === undefined ? whole.length : start + options.length;
  return whole.subarray(start, end).toString('utf8');
}

const fileIo: typeof FileIoModule = {
  access,
  close,
  copyFile,
  fsync,
  listFile,
  lstat,
  mkdir,
  open,
  readText,
  rename,
  rmdir,
  stat,
  unlink,
  write,
  AccessModeType,
  OpenMode,
};
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

function appFile(fd: number): AppFile {
  const entry = appFiles.get(fd);
  if (entry === undefined) throw fileIoError('EBADF');
  return entry;
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
