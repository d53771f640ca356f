/**
 * The device's media library as an app sees it: photos and videos the app does not own, each named by a
 * URI `file://media/Photo/<id>/<IMG|VID>_<time>_<n>/<display name>`, as the photo picker and
 * photoAccessHelper hand them out. Such a file is no path of the app's sandbox: `fileIo.stat`, `copyFile`
 * or `access` on its URI find nothing; only `fileIo.open(uri)` reaches it (file_api `open.cpp`
 * `OpenByFileDataUri`: authority `media` goes to the media library's data share), and only while the
 * app holds a read grant for it (the picker grants one per picked file). The request service opens it
 * the same way (request_request `js_initialize.cpp` `CheckUserFileSpec`). docs/platform/user-files.md
 * has the facts and their sources.
 *
 * The files live in a real directory of their own, outside the sandbox root, removed at exit. On an
 * emulated device (emulator/device.ts) the library is the device's `media/` folder with an `index.json`,
 * which the test process writes (`device.addUserFile`) and app processes read.
 */
import { linkSync, mkdtempSync, open, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileIoError, fileIoErrorFromNode } from './errors';
import { type SandboxContent, writeContent } from './sandbox';
import { deviceDirOfProcess, deviceMediaRoot } from './device/env';

/** What a test puts in the media library (`addUserFile`). */
export interface UserFileSpec {
  content: SandboxContent;
  /** The asset's display name, the last segment of its URI (percent-encoded there). */
  displayName: string;
  /** `video` names the asset folder VID_..., `image` (default) IMG_.... */
  kind?: 'image' | 'video';
  /** `granted` (default): the app may read it, as after the picker; `denied`: it holds no grant. */
  access?: 'granted' | 'denied';
}

export interface UserFile {
  uri: string;
  sha256: string;
  size: number;
}

interface Asset {
  realPath: string;
  readable: boolean;
}

const openFd = promisify(open);
const PREFIX = 'file://media/';
/** OpenMode bits that write: WRITE_ONLY, READ_WRITE, CREATE, TRUNC, APPEND (SDK `OpenMode`). */
const WRITING = 0o1 | 0o2 | 0o100 | 0o1000 | 0o2000;

let root: string | undefined;
let ids = 0;
const assets = new Map<string, Asset>();

function libraryRoot(): string {
  if (root === undefined) {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'ohos-media-')));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    root = dir;
  }
  return root;
}

export function isMediaUri(uri: string): boolean {
  return uri.startsWith(PREFIX);
}

/** A new asset's URI and where its bytes are to be. */
function newAsset(
  displayName: string,
  kind: UserFileSpec['kind'],
  id = ++ids,
  root = libraryRoot(),
): { uri: string; realPath: string } {
  if (displayName === '' || displayName.includes('/')) {
    throw new Error(`a display name is one non-empty path segment, got "${displayName}"`);
  }
  const folder = `${kind === 'video' ? 'VID' : 'IMG'}_${1_700_000_000 + id}_${String(id).padStart(3, '0')}`;
  return {
    uri: `${PREFIX}Photo/${id}/${folder}/${encodeURIComponent(displayName)}`,
    realPath: join(root, String(id)),
  };
}

type DeviceIndex = Record<string, Asset>;

function readDeviceIndex(mediaRoot: string): DeviceIndex {
  try {
    return JSON.parse(readFileSync(join(mediaRoot, 'index.json'), 'utf8')) as DeviceIndex;
  } catch {
    return {};
  }
}

/** An asset of this process's library, or, on an emulated device, of the device's library. */
function assetOf(uri: string): Asset | undefined {
  const own = assets.get(uri);
  if (own !== undefined) return own;
  const deviceDir = deviceDirOfProcess();
  return deviceDir === undefined ? undefined : readDeviceIndex(deviceMediaRoot(deviceDir))[uri];
}

/** `device.addUserFile`: a user file in a device's media library (`mediaRoot`), seen by its app processes. */
export async function addDeviceUserFile(mediaRoot: string, spec: UserFileSpec): Promise<UserFile> {
  const index = readDeviceIndex(mediaRoot);
  const { uri, realPath } = newAsset(spec.displayName, spec.kind, Object.keys(index).length + 1, mediaRoot);
  const sha256 = await writeContent(realPath, spec.content);
  index[uri] = { realPath, readable: spec.access !== 'denied' };
  const path = join(mediaRoot, 'index.json');
  writeFileSync(`${path}.tmp`, JSON.stringify(index));
  renameSync(`${path}.tmp`, path);
  return { uri, sha256, size: contentSize(spec.content) };
}

function contentSize(content: SandboxContent): number {
  return typeof content === 'string'
    ? Buffer.byteLength(content)
    : content instanceof Uint8Array
      ? content.length
      : content.size;
}

/** Adds a file to the media library; resolves with its URI, the sha256 of its content and its size. */
export async function addUserFile(spec: UserFileSpec): Promise<UserFile> {
  const { uri, realPath } = newAsset(spec.displayName, spec.kind);
  const sha256 = await writeContent(realPath, spec.content);
  assets.set(uri, { realPath, readable: spec.access !== 'denied' });
  return { uri, sha256, size: contentSize(spec.content) };
}

/**
 * Adds a file of this machine to the media library by a hard link (no copy, no hash), readable by the app:
 * for benchmarks of large files. Returns its URI; userFileRealPath() tells where the link is.
 */
export function linkUserFile(source: string, displayName: string, kind: UserFileSpec['kind'] = 'video'): string {
  const { uri, realPath } = newAsset(displayName, kind);
  linkSync(source, realPath);
  assets.set(uri, { realPath, readable: true });
  return uri;
}

/** Ends the app's grant for a URI: from now on it cannot be opened (13900012), as when the user revokes it. */
export function revokeUserFile(uri: string): void {
  const asset = assets.get(uri);
  if (!asset) throw new Error(`not in the media library: ${uri}`);
  asset.readable = false;
}

/** Where an asset is on this machine (for tests and benchmarks that inspect or link it), or undefined. */
export function userFileRealPath(uri: string): string | undefined {
  return assetOf(uri)?.realPath;
}

/**
 * Where the media library reads a user file from when the app (or the request service for it) opens it
 * with `mode`; throws the file-management error a device gives: 13900002 No such file or directory for a
 * URI the library does not have, 13900012 Permission denied without a read grant or for a writing mode.
 */
export function userFileToOpen(uri: string, mode: number): string {
  const asset = assetOf(uri);
  if (!asset) throw fileIoError('ENOENT');
  if (!asset.readable || (mode & WRITING) !== 0) throw fileIoError('EACCES');
  return asset.realPath;
}

/** `fileIo.open` of a user file: a read-only descriptor (see userFileToOpen for the errors). */
export async function openUserFile(uri: string, mode: number): Promise<number> {
  const realPath = userFileToOpen(uri, mode);
  try {
    return await openFd(realPath, 'r');
  } catch (error) {
    throw fileIoErrorFromNode(error);
  }
}
