/**
 * Temporary copies of the files an engine cannot read where they are: a file outside cacheDir for
 * request.uploadFile, a file that must travel under another name for @ohos.net.http, a user file
 * (`file://media/...`) for both. Each copy lives in
 * a folder of its own, `<cacheDir>/harmony-upload-task/<unique>/`, is made with the file API (copyFile
 * streams it: the file is never read into JS memory) and is deleted, folder and all, by `release()`.
 * Nothing else is ever written there, so a page over the bridge is refused any path inside it.
 *
 * A process that ends in the middle of an upload (the app killed, a crash) cannot delete its copy; the
 * next process does, the first time it makes one in that cacheDir: each folder is named after the start
 * of the process that made it, and a folder of a process started more than a minute before this one, not
 * written to for an hour, is deleted (an app's other process may still be uploading from a younger one).
 */
import { fileIo } from '@kit.CoreFileKit';
import type { common } from '@kit.AbilityKit';
import { describeThrown, logError } from '../core/errors';
import { normalizePath, withOpenFile } from './files';
import { UploadFailure } from './platform-errors';
import type { LocalFile } from './files';

/** The folder in cacheDir for the library's temporary copies. */
export const COPY_DIR = 'harmony-upload-task';
/** @ohos.file.fs: File exists. */
const EEXIST = 13900015;

let copies = 0;
/** When this process loaded the library, in base 36: the first part of each of its folders' names. */
const RUN_STARTED = Date.now();
const RUN = RUN_STARTED.toString(36);
/** Folders of processes started this long before this one may be left-overs; closer ones may be another copy of the library. */
const EARLIER_RUN_MS = 60000;
/** ... and they are, once not written to for this long (Stat.mtime is in seconds). */
const LEFT_OVER_AFTER_S = 3600;
/** The cacheDirs whose left-overs are being, or have been, swept by this process. */
const swept = new Map<string, Promise<void>>();

export interface StagedCopy {
  /** The copy's absolute sandbox path. */
  readonly path: string;
  /** The same file as `internal://cache/...`, the form request.uploadFile takes. */
  readonly internalUri: string;
  /** Deletes the copy and its folder; safe to call more than once. */
  release(): void;
}

async function makeDir(path: string): Promise<void> {
  try {
    await fileIo.mkdir(path, true);
  } catch (err) {
    if ((err as { code?: unknown }).code !== EEXIST) throw err;
  }
}

/**
 * Deletes the copy, then its folder. The file goes first: the SDK documents rmdir only as "Delete dir." and
 * lists 13900032 Directory not empty among its errors, so an empty folder is all it is asked to remove.
 */
function removeCopy(path: string, dir: string): void {
  fileIo
    .unlink(path)
    .catch(() => undefined)
    .then(() => fileIo.rmdir(dir))
    .catch((err: unknown) => logError(`could not delete the temporary copy ${dir}:`, err));
}

/** Deletes, once per process and cacheDir, the folders earlier processes left in `<cacheDir>/harmony-upload-task/`. */
function sweepOnce(cacheDir: string): Promise<void> {
  let sweeping = swept.get(cacheDir);
  if (!sweeping) {
    sweeping = sweepLeftOvers(`${cacheDir}/${COPY_DIR}`).catch((err: unknown) => {
      logError(`could not delete the temporary copies left in ${cacheDir}/${COPY_DIR}:`, err);
    });
    swept.set(cacheDir, sweeping);
  }
  return sweeping;
}

async function sweepLeftOvers(root: string): Promise<void> {
  if (!(await fileIo.access(root))) return;
  for (const folder of await fileIo.listFile(root)) {
    const started = Number.parseInt(folder.split('-')[0], 36);
    if (!(started < RUN_STARTED - EARLIER_RUN_MS)) continue;
    const dir = `${root}/${folder}`;
    if ((await fileIo.stat(dir)).mtime > Date.now() / 1000 - LEFT_OVER_AFTER_S) continue;
    for (const name of await fileIo.listFile(dir)) await fileIo.unlink(`${dir}/${name}`);
    await fileIo.rmdir(dir);
  }
}

/**
 * Copies `from` (a sandbox path, or an open file's descriptor) to `<cacheDir>/harmony-upload-task/<unique>/<name>`.
 * `stillWanted` is asked after each step: when the upload ended meanwhile, whatever was made is deleted
 * and the result is undefined.
 */
export async function stageCopy(
  context: common.Context,
  from: string | number,
  name: string,
  stillWanted: () => boolean,
  label: string = String(from),
): Promise<StagedCopy | undefined> {
  const cacheDir = normalizePath(context.cacheDir) ?? context.cacheDir;
  await sweepOnce(cacheDir);
  const unique = `${RUN}-${++copies}`;
  const dir = `${cacheDir}/${COPY_DIR}/${unique}`;
  const path = `${dir}/${name}`;
  let released = false;
  const copy: StagedCopy = {
    path,
    internalUri: `internal://cache/${COPY_DIR}/${unique}/${name}`,
    release() {
      if (released) return;
      released = true;
      removeCopy(path, dir);
    },
  };
  try {
    await makeDir(dir);
    if (stillWanted()) await fileIo.copyFile(from, path);
  } catch (err) {
    copy.release();
    if (err instanceof UploadFailure) throw err;
    const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
    const text = typeof code === 'number' && typeof message === 'string' ? `${code} ${message}` : describeThrown(err);
    throw new UploadFailure(`cannot copy ${label} to a temporary file in cacheDir (${text})`);
  }
  if (stillWanted()) return copy;
  copy.release();
  return undefined;
}

/**
 * A copy of a file found by openLocalFile, named `name`: a sandbox path is copied by path, a user file
 * through a descriptor (its URI is no path: fileIo.open takes it, copyFile takes the descriptor), closed
 * once the copy is made or abandoned.
 */
export async function stageFile(
  context: common.Context,
  file: LocalFile,
  name: string,
  stillWanted: () => boolean,
): Promise<StagedCopy | undefined> {
  if (!file.userFile) return stageCopy(context, file.path, name, stillWanted, file.filePath);
  return withOpenFile(file.path, file.filePath, (opened) =>
    stageCopy(context, opened.fd, name, stillWanted, file.filePath),
  );
}
