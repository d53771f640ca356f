/**
 * Temporary copies of the files an engine cannot read where they are: a file outside cacheDir for
 * request.uploadFile, a file that must travel under another name for @ohos.net.http, a user file
 * (`file://media/...`) for both. Each copy lives in
 * a folder of its own, `<cacheDir>/harmony-upload-task/<unique>/`, is made with the file API (copyFile
 * streams it: the file is never read into JS memory) and is deleted, folder and all, by `release()`.
 * Nothing else is ever written there, so a page over the bridge is refused any path inside it.
 */
import { fileIo } from '@kit.CoreFileKit';
import type { common } from '@kit.AbilityKit';
import { logError } from '../core/errors';
import { closeFile, normalizePath, unreadable } from './files';
import type { LocalFile } from './files';

/** The folder in cacheDir for the library's temporary copies. */
export const COPY_DIR = 'harmony-upload-task';
/** @ohos.file.fs: File exists. */
const EEXIST = 13900015;

let copies = 0;

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
): Promise<StagedCopy | undefined> {
  const cacheDir = normalizePath(context.cacheDir) ?? context.cacheDir;
  const unique = `${Date.now().toString(36)}-${++copies}`;
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
    throw err;
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
  if (!file.userFile) return stageCopy(context, file.path, name, stillWanted);
  let opened: fileIo.File;
  try {
    opened = await fileIo.open(file.path, fileIo.OpenMode.READ_ONLY);
  } catch (err) {
    throw unreadable(file.filePath, err);
  }
  try {
    return await stageCopy(context, opened.fd, name, stillWanted);
  } finally {
    closeFile(opened);
  }
}
