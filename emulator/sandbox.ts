/**
 * The app sandbox of the emulated device: a real directory standing for the app's view of the file system.
 *
 * Only the application storage areas exist for the app: `/data/storage/el1/base/...` and
 * `/data/storage/el2/base/...` (the base directories the request service accepts, request_request
 * `js_initialize.cpp` `CheckBelongAppBaseDir`; SDK doc of `agent.FileSpec.path`). The context directories are
 * those of the entry module of a stage-model app, as `getContext()` gives them on a device.
 */
import { type Cipher, createCipheriv, createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { mkdir, writeFile as writeWhole } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import type common from '@ohos.app.ability.common';
import { applicationContext, type EmulatedApplicationContext } from './app-state';
import { DEVICE_DIR_ENV, deviceSandboxRoot } from './device/env';

export const BUNDLE_NAME = 'com.example.uploaddemo';

/** The storage areas that exist for the app, each mapped to a folder of the real root. */
const AREAS = ['/data/storage/el1/base', '/data/storage/el2/base'] as const;

export const MODULE_BASE_DIR = '/data/storage/el2/base/haps/entry';
export const CONTEXT_DIRS = Object.freeze({
  cacheDir: `${MODULE_BASE_DIR}/cache`,
  filesDir: `${MODULE_BASE_DIR}/files`,
  tempDir: `${MODULE_BASE_DIR}/temp`,
});
/**
 * The directories of the application-level context (`UIAbilityContext.getApplicationContext()`): the area's
 * base directory without `haps/<module>` (ability_runtime `context_impl.cpp` `GetBaseDir`: a module's
 * context adds `/haps/<moduleName>`, the application's does not). Taro's ArkTS runtime writes compressed
 * images to this tempDir.
 */
export const APPLICATION_DIRS = Object.freeze({
  cacheDir: '/data/storage/el2/base/cache',
  filesDir: '/data/storage/el2/base/files',
  tempDir: '/data/storage/el2/base/temp',
});

const FILE_URI_PREFIX = `file://${BUNDLE_NAME}/`;
const GENERATED_CHUNK_BYTES = 64 * 1024;
const ZEROS = Buffer.alloc(GENERATED_CHUNK_BYTES);

/** Content for `writeFile`: bytes, text, or `size` pseudo-random bytes generated from `seed`. */
export type SandboxContent = string | Uint8Array | { size: number; seed?: number };

export interface Sandbox {
  /** The real directory standing for `/` of the app (tests may inspect it; the emulation maps into it). */
  readonly root: string;
  /**
   * The real path of a sandbox path (`/data/storage/el1|el2/base/...`, or a `file://<own bundle>/data/...` URI),
   * or undefined when the app has no such place. `..` may not leave the storage area.
   */
  realPath(virtualPath: string): string | undefined;
  /** Creates or replaces a file (and its parent directories); resolves with the sha256 (hex) of its content. */
  writeFile(virtualPath: string, content: SandboxContent): Promise<string>;
  /** Names of the entries of a sandbox directory, sorted; [] when it does not exist. */
  list(virtualDir: string): string[];
  /**
   * A stage-model context whose directories are in this sandbox (usable as `common.Context`), of the app
   * `BUNDLE_NAME` (`applicationInfo.name`).
   */
  createContext(): common.Context & { getApplicationContext(): EmulatedApplicationContext };
  /**
   * The application-level context (APPLICATION_DIRS), of the same app, with the `applicationStateChange`
   * subscription (`on`/`off`) of `app-state.ts`.
   */
  createApplicationContext(): EmulatedApplicationContext;
  /** Removes every file and recreates the empty context directories. */
  clear(): void;
}

let instance: SandboxImpl | undefined;

export function getSandbox(): Sandbox {
  instance ??= new SandboxImpl();
  return instance;
}

class SandboxImpl implements Sandbox {
  readonly root: string;

  constructor() {
    const deviceDir = process.env[DEVICE_DIR_ENV];
    if (deviceDir !== undefined && deviceDir !== '') {
      // An app (or the request service) of an emulated device (emulator/device.ts): the device's sandbox,
      // which outlives this process.
      const root = deviceSandboxRoot(deviceDir);
      mkdirSync(root, { recursive: true });
      this.root = realpathSync(root);
    } else {
      // realpath: the sandbox root must not hide a symlink (e.g. /tmp -> /private/tmp), see requestPaths.
      this.root = realpathSync(mkdtempSync(join(tmpdir(), 'ohos-sandbox-')));
      const root = this.root;
      process.once('exit', () => rmSync(root, { recursive: true, force: true }));
    }
    this.createContextDirs();
  }

  realPath(virtualPath: string): string | undefined {
    let path = virtualPath;
    if (path.startsWith(FILE_URI_PREFIX)) path = path.slice(FILE_URI_PREFIX.length - 1);
    if (!path.startsWith('/')) return undefined;
    const normal = posix.normalize(path);
    for (const area of AREAS) {
      if (normal === area || normal.startsWith(`${area}/`)) {
        return join(this.root, ...normal.split('/').filter((part) => part !== ''));
      }
    }
    return undefined;
  }

  async writeFile(virtualPath: string, content: SandboxContent): Promise<string> {
    const real = this.realPath(virtualPath);
    if (real === undefined) throw new Error(`not a path of the app sandbox: ${virtualPath}`);
    return writeContent(real, content);
  }

  list(virtualDir: string): string[] {
    const real = this.realPath(virtualDir);
    if (real === undefined) return [];
    try {
      return readdirSync(real).sort();
    } catch {
      return [];
    }
  }

  createContext(): common.Context & { getApplicationContext(): EmulatedApplicationContext } {
    // applicationInfo.name is the bundle name (SDK doc of ApplicationInfo.name); the rest of
    // ApplicationInfo is not modelled. `getApplicationContext()` is Context's (application/Context.d.ts).
    const application = this.createApplicationContext();
    return {
      stageMode: true,
      applicationInfo: { name: BUNDLE_NAME },
      ...CONTEXT_DIRS,
      getApplicationContext: () => application,
    };
  }

  createApplicationContext(): EmulatedApplicationContext {
    return applicationContext({ bundleName: BUNDLE_NAME, ...APPLICATION_DIRS });
  }

  clear(): void {
    for (const entry of readdirSync(this.root)) rmSync(join(this.root, entry), { recursive: true, force: true });
    this.createContextDirs();
  }

  private createContextDirs(): void {
    for (const area of AREAS) mkdirSync(this.realPathOrThrow(area), { recursive: true });
    for (const dir of [...Object.values(CONTEXT_DIRS), ...Object.values(APPLICATION_DIRS)]) {
      mkdirSync(this.realPathOrThrow(dir), { recursive: true });
    }
  }

  private realPathOrThrow(virtualPath: string): string {
    const real = this.realPath(virtualPath);
    if (real === undefined) throw new Error(`not a path of the app sandbox: ${virtualPath}`);
    return real;
  }
}

/** Writes `content` to a real path (creating its parent directories); resolves with its sha256 (hex). */
export async function writeContent(realPath: string, content: SandboxContent): Promise<string> {
  await mkdir(dirname(realPath), { recursive: true });
  if (typeof content === 'string' || content instanceof Uint8Array) {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    await writeWhole(realPath, bytes);
    return createHash('sha256').update(bytes).digest('hex');
  }
  return writeGenerated(realPath, content.size, content.seed ?? 1);
}

/** Writes `size` pseudo-random bytes chunk by chunk, honouring backpressure; never holds the file in memory. */
async function writeGenerated(realPath: string, size: number, seed: number): Promise<string> {
  if (!Number.isSafeInteger(size) || size < 0) throw new Error(`invalid size ${size}`);
  const hash = createHash('sha256');
  const out = createWriteStream(realPath);
  const random = keystream(seed);
  const finished = new Promise<void>((resolve, reject) => {
    out.once('finish', resolve);
    out.once('error', reject);
  });
  try {
    for (let left = size; left > 0; ) {
      const chunk = random.update(ZEROS.subarray(0, Math.min(GENERATED_CHUNK_BYTES, left)));
      hash.update(chunk);
      left -= chunk.length;
      if (!out.write(chunk)) await drainOrError(out);
    }
    out.end();
    await finished;
  } catch (error) {
    out.destroy();
    throw error;
  }
  return hash.digest('hex');
}

function drainOrError(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = (): void => {
      out.off('error', onError);
      resolve();
    };
    const onError = (error: Error): void => {
      out.off('drain', onDrain);
      reject(error);
    };
    out.once('drain', onDrain);
    out.once('error', onError);
  });
}

/**
 * The generator of file content: AES-128 in counter mode over zeros, keyed by the seed. Native code, so
 * that tests that write many megabytes spend no time on it; the same seed always gives the same bytes.
 */
function keystream(seed: number): Cipher {
  const key = createHash('sha256').update(`sandbox content ${seed}`).digest().subarray(0, 16);
  return createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
}
