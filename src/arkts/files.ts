/**
 * Where the file is, and whether it is there. filePath may be
 *   - a sandbox path: `/data/storage/el2/base/haps/entry/files/a.jpg` (what context.filesDir gives), or one of
 *     the application's own directories, such as `/data/storage/el2/base/temp/...` (applicationContext.tempDir);
 *   - a file:// URI of the app: `file://<bundleName>/data/storage/el2/base/...` (the bundle name is the
 *     context's applicationInfo.name);
 *   - `internal://cache/`, `internal://files/` or `internal://temp/<path>`: a file in the context's cacheDir,
 *     filesDir or tempDir (Taro's hybrid shell names the pictures it picked `internal://temp/<time>_<name>`);
 *   - a user file: a media library URI `file://media/...`, what the photo and video pickers give. It is no
 *     path of the sandbox: only fileIo.open() reaches it, while the app holds the picker's read grant.
 * docs/platform/user-files.md has the platform facts and their sources.
 */
import { fileIo } from '@kit.CoreFileKit';
import type { common } from '@kit.AbilityKit';
import { describeThrown, logError } from '../core/errors';
import { partFailure } from '../core/options';
import type { UploadRequest } from '../core/options';
import { UploadFailure } from './platform-errors';
import type { ArkTsSource } from './types';

/** @ohos.file.fs: No such file or directory. */
export const ENOENT = 13900002;
const USER_FILE = 'file://media/';
/** The internal:// forms, and the context directory each names. */
const INTERNAL_DIRS: ReadonlyArray<readonly [string, 'cacheDir' | 'filesDir' | 'tempDir']> = [
  ['internal://cache/', 'cacheDir'],
  ['internal://files/', 'filesDir'],
  ['internal://temp/', 'tempDir'],
];

export interface LocalFile {
  /** What the caller passed, for messages. */
  filePath: string;
  /** The absolute sandbox path; for a user file, its URI. */
  path: string;
  size: number;
  /**
   * A user file (a media library URI, `file://media/...`): not a path of the sandbox, readable only through
   * fileIo.open(). An engine that takes only sandbox paths uploads a copy (staging.ts, stageFile).
   */
  userFile: boolean;
}

/** A media library URI (`file://media/...`), as the photo and video pickers give them. */
export function isUserFileUri(filePath: string): boolean {
  return filePath.startsWith(USER_FILE);
}

function joinPath(dir: string, rel: string): string {
  return `${dir.replace(/\/+$/, '')}/${rel.replace(/^\/+/, '')}`;
}

/** Resolves `.` and `..` segments; a path that climbs above the root is refused. */
export function normalizePath(path: string): string | undefined {
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(seg);
  }
  return `/${out.join('/')}`;
}

/** The app's bundle name (ApplicationInfo.name), where the context has it. */
function bundleNameOf(context: common.Context): string | undefined {
  const info: { name?: unknown } | undefined = context.applicationInfo;
  const name = info ? info.name : undefined;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** `internal://<dir>/<rel>` as a path inside that context directory; nothing above it. */
function internalPath(filePath: string, context: common.Context): string | undefined {
  for (const [prefix, key] of INTERNAL_DIRS) {
    if (!filePath.startsWith(prefix)) continue;
    const dir: unknown = context[key];
    if (typeof dir !== 'string' || dir === '') return undefined;
    const base = normalizePath(dir);
    const path = normalizePath(joinPath(dir, filePath.slice(prefix.length)));
    return path !== undefined && base !== undefined && path.startsWith(`${base}/`) ? path : undefined;
  }
  return undefined;
}

/** The sandbox path that filePath names (not for user files, which have none). */
export function sandboxPathOf(filePath: string, context: common.Context): string {
  let path: string | undefined;
  if (filePath.startsWith('internal://')) {
    path = internalPath(filePath, context);
  } else if (filePath.startsWith('file://')) {
    const rest = filePath.slice('file://'.length);
    const slash = rest.indexOf('/');
    const bundle = bundleNameOf(context);
    if (slash > 0 && bundle !== undefined && rest.slice(0, slash) !== bundle) {
      throw new UploadFailure(
        `invalid filePath "${filePath}": only file:// URIs of this app (file://${bundle}/...) or of the media library (file://media/...) can be uploaded, not of "${rest.slice(0, slash)}"`,
      );
    }
    if (slash > 0) {
      try {
        path = normalizePath(decodeURIComponent(rest.slice(slash)));
      } catch (err) {
        path = undefined;
      }
    }
  } else if (filePath.startsWith('/')) {
    path = normalizePath(filePath);
  }
  if (path === undefined) {
    throw new UploadFailure(
      `invalid filePath "${filePath}": use a sandbox path such as context.filesDir + '/a.jpg', a file:// URI of the app or of the media library, or internal://cache/, internal://files/ or internal://temp/<file>`,
    );
  }
  return path;
}

/** The failure to report when a file cannot be opened or examined. */
export function unreadable(filePath: string, err: unknown): UploadFailure {
  if (err instanceof UploadFailure) return err;
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  if (code === ENOENT) return new UploadFailure(`file not found: ${filePath}`);
  const text = typeof code === 'number' && typeof message === 'string' ? `${code} ${message}` : describeThrown(err);
  return new UploadFailure(`cannot read file: ${filePath} (${text})`);
}

/** Closes a descriptor from fileIo.open; a failure to close is logged, never thrown. */
export function closeFile(file: fileIo.File): void {
  fileIo.close(file).catch((err: unknown) => logError('could not close a file:', err));
}

/**
 * Runs `use` with a file opened read-only by `uri` (a user file's grant is checked at the open), then closes
 * it. A failed open is `file not found` or `cannot read file`, naming `filePath`, as the caller gave it.
 */
export async function withOpenFile<T>(
  uri: string,
  filePath: string,
  use: (file: fileIo.File) => Promise<T>,
): Promise<T> {
  let file: fileIo.File;
  try {
    file = await fileIo.open(uri, fileIo.OpenMode.READ_ONLY);
  } catch (err) {
    throw unreadable(filePath, err);
  }
  try {
    return await use(file);
  } finally {
    closeFile(file);
  }
}

/** The size of a user file: open it (the grant is checked here), fstat, close. */
function userFileSize(uri: string): Promise<number> {
  return withOpenFile(uri, uri, async (file) => {
    try {
      return (await fileIo.stat(file.fd)).size;
    } catch (err) {
      throw unreadable(uri, err);
    }
  });
}

/**
 * Finds the file and its size: `file not found: <filePath>` when it is not there, `cannot read file:
 * <filePath> (<why>)` when the app may not read it (a user file without the picker's grant).
 */
export async function openLocalFile(filePath: string, context: common.Context): Promise<LocalFile> {
  if (isUserFileUri(filePath)) {
    return { filePath, path: filePath, size: await userFileSize(filePath), userFile: true };
  }
  const path = sandboxPathOf(filePath, context);
  let size: number;
  try {
    const st = await fileIo.stat(path);
    if (!st.isFile()) throw new UploadFailure(`not a file: ${filePath}`);
    size = st.size;
  } catch (err) {
    throw unreadable(filePath, err);
  }
  return { filePath, path, size, userFile: false };
}

/**
 * openLocalFile for the file at `index` of an upload: with `files`, a failure names the entry
 * (`files[2]: file not found: ...`).
 */
export async function openFilePart(req: UploadRequest<ArkTsSource>, index: number): Promise<LocalFile> {
  const { filePath, context } = req.files[index].source;
  try {
    return await openLocalFile(filePath, context);
  } catch (err) {
    throw partError(req, index, err);
  }
}

/** A failure of the file at `index` (opening it, copying it) as the caller is told it: with `files`, naming the entry. */
export function partError(req: UploadRequest<ArkTsSource>, index: number, err: unknown): unknown {
  return err instanceof UploadFailure ? new UploadFailure(partFailure(req, index, err.message), err.retryable) : err;
}

export function isInside(path: string, dir: string): boolean {
  const d = normalizePath(dir);
  return d !== undefined && path.startsWith(`${d}/`);
}
