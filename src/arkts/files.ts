/**
 * Where the file is, in the app sandbox, and whether it is there. filePath may be
 *   - a sandbox path: `/data/storage/el2/base/haps/entry/files/a.jpg` (what context.filesDir gives),
 *   - a file:// URI of the app: `file://<bundleName>/data/storage/el2/base/...` (the bundle name is the
 *     context's applicationInfo.name; another authority, such as a photo picker's `file://media/...`, is
 *     refused: its path is not one of this sandbox),
 *   - `internal://cache/<path in context.cacheDir>`.
 */
import { fileIo } from '@kit.CoreFileKit';
import type { common } from '@kit.AbilityKit';
import { describeThrown } from '../core/errors';
import { UploadFailure } from './platform-errors';

const INTERNAL_CACHE = 'internal://cache/';
/** @ohos.file.fs: No such file or directory. */
export const ENOENT = 13900002;

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

export function sandboxPathOf(filePath: string, context: common.Context): string {
  let path: string | undefined;
  if (filePath.startsWith(INTERNAL_CACHE)) {
    const rel = filePath.slice(INTERNAL_CACHE.length);
    const cache = normalizePath(context.cacheDir);
    path = normalizePath(joinPath(context.cacheDir, rel));
    // internal://cache/ names a file inside the cache directory, nothing above it.
    if (path !== undefined && cache !== undefined && !path.startsWith(`${cache}/`)) path = undefined;
  } else if (filePath.startsWith('file://')) {
    const rest = filePath.slice('file://'.length);
    const slash = rest.indexOf('/');
    const bundle = bundleNameOf(context);
    if (slash > 0 && bundle !== undefined && rest.slice(0, slash) !== bundle) {
      throw new UploadFailure(
        `invalid filePath "${filePath}": only file:// URIs of this app (file://${bundle}/...) can be uploaded, not of "${rest.slice(0, slash)}"; copy a media file (from the photo picker, say) into the sandbox first: fileIo.open(uri), then fileIo.copyFile(file.fd, <path in context.cacheDir>)`,
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
      `invalid filePath "${filePath}": use a sandbox path such as context.filesDir + '/a.jpg', a file:// URI of the app, or internal://cache/<file in cacheDir>`,
    );
  }
  return path;
}

/** Finds the file and its size; a missing file is `file not found: <filePath>`. */
export async function openLocalFile(filePath: string, context: common.Context): Promise<LocalFile> {
  const path = sandboxPathOf(filePath, context);
  let size: number;
  try {
    const st = await fileIo.stat(path);
    if (!st.isFile()) throw new UploadFailure(`not a file: ${filePath}`);
    size = st.size;
  } catch (err) {
    if (err instanceof UploadFailure) throw err;
    const code = (err as { code?: unknown }).code;
    if (code === ENOENT) throw new UploadFailure(`file not found: ${filePath}`);
    throw new UploadFailure(`cannot read file: ${filePath} (${describeThrown(err)})`);
  }
  return { filePath, path, size, userFile: false };
}

export function isInside(path: string, dir: string): boolean {
  const d = normalizePath(dir);
  return d !== undefined && path.startsWith(`${d}/`);
}
