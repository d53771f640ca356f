/**
 * Where `@ohos.request` looks for the files to upload, and the errors when it cannot use them.
 *
 * The rules are those of the NAPI layer that checks a config before the task reaches the service
 * (request_request `frameworks/js/napi/request/src/js_initialize.cpp`), summarised in docs/platform/ohos.request.md
 * §1a "File" (`uploadFile`: only `internal://cache/...`) and §1b "FileSpec.path", and the SDK doc of `FileSpec.path`.
 */
import { closeSync, fstatSync, openSync, read, realpathSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { posix } from 'node:path';
import { requestError, RequestErrorCode } from '../errors';
import { userFileToOpen } from '../media-library';
import { BUNDLE_NAME, getSandbox } from '../sandbox';

/**
 * A file the task holds open from its creation, as the service does (it receives the file descriptors), so
 * the size is that of creation time. Reads are positional, so every attempt can start anywhere.
 */
export class OpenedFile {
  private closing = false;
  private released = false;
  private pendingReads = 0;

  constructor(
    /** The sandbox path the platform resolved (reported as `TaskState.path`). */
    readonly virtualPath: string,
    private readonly fd: number,
    readonly size: number,
  ) {}

  /** Reads into `buffer` from `position`; resolves with the number of bytes read (0 at the end). */
  async read(buffer: Buffer, position: number): Promise<number> {
    if (this.closing) throw new Error(`${this.virtualPath} is closed`);
    this.pendingReads++;
    try {
      return (await readAt(this.fd, buffer, 0, buffer.length, position)).bytesRead;
    } finally {
      this.pendingReads--;
      if (this.closing && this.pendingReads === 0) this.release();
    }
  }

  /**
   * Closes the descriptor once, after the reads in flight (a closed number may be reused by the next open);
   * later calls do nothing.
   */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    if (this.pendingReads === 0) this.release();
  }

  private release(): void {
    if (this.released) return;
    this.released = true;
    try {
      closeSync(this.fd);
    } catch (error) {
      console.error(`[ohos emulation] closing ${this.virtualPath} failed:`, error);
    }
  }
}

/** The directories of the context passed to `uploadFile` / `agent.create`. */
export interface ContextDirs {
  readonly cacheDir: string;
  /** `context.getBaseDir()` on a device: the module directory that holds `cache/`. */
  readonly baseDir: string;
}

const readAt = promisify(read);

const INTERNAL_CACHE_PREFIX = 'internal://cache/';
const STORAGE_AREAS = ['/data/storage/el1/base', '/data/storage/el2/base', '/data/storage/el5/base'];

/**
 * A stage-model context (`stageMode: true`) with a `cacheDir`; anything else fails like `GetContext`
 * does on a device (401 "Get context fail").
 */
export function contextDirs(context: unknown): ContextDirs {
  if (typeof context !== 'object' || context === null) {
    throw requestError(RequestErrorCode.PARAMCHECK, 'Parameter verification failed, Get context fail');
  }
  const { stageMode, cacheDir } = context as { stageMode?: unknown; cacheDir?: unknown };
  if (stageMode !== true) {
    throw requestError(RequestErrorCode.PARAMCHECK, 'Parameter verification failed, Get context fail');
  }
  if (typeof cacheDir !== 'string' || cacheDir === '') {
    throw requestError(RequestErrorCode.PARAMCHECK, 'Parameter verification failed, cache path is empty');
  }
  return { cacheDir, baseDir: posix.dirname(cacheDir) };
}

/** `file://media/...` and `file://docs/...` are user files (js_initialize.cpp `IsUserFile`). */
export function isUserFile(uri: string): boolean {
  return uri.startsWith('file://docs/') || uri.startsWith('file://media/');
}

/**
 * `uploadFile` (API 9): the uri is `internal://cache/<rel>`, or taken whole when the prefix is missing, and
 * joined to `context.cacheDir` (`GetInternalPath`). The parent directory must exist and be written
 * canonically (`IsPathValid`: realpath of the parent equals the parent), else 401. A file that cannot be
 * opened gives 13400002 on this path (`GetFdUpload`; docs/platform/ohos.request.md §1a "File").
 */
export function openUploadFileUri(dirs: ContextDirs, uri: string): OpenedFile {
  if (isUserFile(uri)) {
    throw requestError(
      RequestErrorCode.PARAMCHECK,
      'Parameter verification failed, user file can only for request.agent.',
    );
  }
  const fileName = uri.startsWith(INTERNAL_CACHE_PREFIX) ? uri.slice(INTERNAL_CACHE_PREFIX.length) : uri;
  if (fileName === '') {
    throw requestError(
      RequestErrorCode.PARAMCHECK,
      'Parameter verification failed, GetInternalPath failed, fileName is empty',
    );
  }
  const virtualPath = `${dirs.cacheDir}/${fileName}`;
  if (!isParentDirValid(virtualPath)) {
    throw requestError(
      RequestErrorCode.PARAMCHECK,
      'Parameter verification failed, GetInternalPath failed, filePath is not valid',
    );
  }
  return openForUpload(virtualPath, RequestErrorCode.FILEPATH);
}

/**
 * `request.agent` (API 10+): relative paths (also `./...`) are in the cache directory, `internal://<rel>` is
 * under the context's base directory (`internal://cache/x` = cacheDir/x), `/data/storage/el1|el2/base/...` is
 * taken as is, `file://<own bundle>/<path>` is the path; `..` is resolved and the result must stay in an
 * application storage area, else 401 (`GetSandboxPath`). A file that cannot be opened gives 13400001.
 */
export function openFileSpecPath(dirs: ContextDirs, rawPath: string): OpenedFile {
  const standard = standardizePath(dirs, rawPath);
  if (standard === undefined) {
    throw requestError(
      RequestErrorCode.PARAMCHECK,
      'Parameter verification failed, GetSandboxPath failed, StandardizePath fail',
    );
  }
  const normal = wholeToNormal(standard);
  if (normal === undefined) {
    throw requestError(
      RequestErrorCode.PARAMCHECK,
      'Parameter verification failed, GetSandboxPath failed, WholeToNormal path fail',
    );
  }
  if (!STORAGE_AREAS.some((area) => normal.startsWith(area))) {
    throw requestError(
      RequestErrorCode.PARAMCHECK,
      'Parameter verification failed, GetSandboxPath failed, path not belong app base dir',
    );
  }
  return openForUpload(normal, RequestErrorCode.FILEIO);
}

function standardizePath(dirs: ContextDirs, path: string): string | undefined {
  if (path.startsWith('/')) return path;
  if (path.startsWith('file://')) {
    const rest = path.slice('file://'.length);
    const slash = rest.indexOf('/');
    const bundle = slash < 0 ? rest : rest.slice(0, slash);
    return bundle === BUNDLE_NAME ? rest.slice(bundle.length) : undefined;
  }
  if (path.startsWith('internal://')) return `${dirs.baseDir}/${path.slice('internal://'.length)}`;
  if (path.startsWith('./')) return `${dirs.cacheDir}/${path.slice(2)}`;
  return `${dirs.cacheDir}/${path}`;
}

/** "/A/B/../C" -> "/A/C"; undefined when `..` leaves the root or nothing is left. */
function wholeToNormal(path: string): string | undefined {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else {
      out.push(part);
    }
  }
  return out.length === 0 ? undefined : `/${out.join('/')}`;
}

function isParentDirValid(virtualPath: string): boolean {
  const parent = virtualPath.slice(0, virtualPath.lastIndexOf('/'));
  if (
    parent
      .split('/')
      .slice(1)
      .some((part) => part === '' || part === '.' || part === '..')
  )
    return false;
  const real = getSandbox().realPath(parent);
  if (real === undefined) return false;
  try {
    return statSync(real).isDirectory() && realpathSync(real) === real;
  } catch {
    return false;
  }
}

/**
 * `request.agent`, a user file (`file://media/...`) of a FOREGROUND task: the service opens it through the
 * media library with the app's grant (`CheckUserFileSpec`: `DataAbilityHelper::OpenFile(uri, "r")`); a URI
 * it cannot open is 13400001 "Failed to open user file".
 */
export function openUserFileSpec(uri: string): OpenedFile {
  let fd: number;
  try {
    fd = openSync(userFileToOpen(uri, 0), 'r');
  } catch {
    throw requestError(RequestErrorCode.FILEIO, 'Failed to open user file');
  }
  return new OpenedFile(uri, fd, fstatSync(fd).size);
}

/** Opens a regular file for reading (`CheckPathIsFile` + `GetFdUpload`), or throws `code`. */
function openForUpload(virtualPath: string, code: number): OpenedFile {
  const real = getSandbox().realPath(virtualPath);
  if (real === undefined) throw requestError(code, 'Path not exists');
  let fd: number;
  try {
    fd = openSync(real, 'r');
  } catch (error) {
    throw requestError(code, `GetFd failed to open file: ${String(error)}`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw requestError(code, 'Path not File');
    return new OpenedFile(virtualPath, fd, stat.size);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}
