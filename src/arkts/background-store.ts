/**
 * The app's record of its background uploads, in the application's filesDir (the same for every module of
 * the app): `harmony-upload-task/background/`
 *   - `uploads.json`: one entry per background upload whose outcome no process has delivered yet: the task
 *     id and what the call named (url, filePath, name, fileName, tag), the file's size, and the folder of the
 *     library's copy of a user file, if any. Written whole to `uploads.json.tmp`, flushed, then renamed over
 *     the old one: a reader sees the old record or the new, never half of one.
 *   - `token`: the token every background task of the library is created with (request.agent Config.token:
 *     getTask() and touch() need it; the service never gives it back). Written once per installation.
 *   - `copies/<key>/<file>`: copies of user files (`file://media/...`), which BACKGROUND tasks cannot read.
 *
 * The request service's own search() only looks back 24 hours by default, so it is not the record; it is
 * the way back when the record is corrupt or missing (background.ts). A process at a time: two processes of
 * the app writing the record at once may lose an entry.
 */
import { fileIo } from '@kit.CoreFileKit';
import type { common } from '@kit.AbilityKit';
import { logError } from '../core/errors';
import { isRecord } from '../core/values';
import { COPY_DIR } from './staging';

/** The folder of the record, the token and the copies, in the application's filesDir. */
export const BACKGROUND_DIR = `${COPY_DIR}/background`;
/** The most entries the record keeps: a background upload beyond them is refused (see add()). */
export const MAX_ENTRIES = 500;
const RECORD_VERSION = 1;
const TOKEN_LENGTH = 40;
/** @ohos.file.fs: File exists. */
const EEXIST = 13900015;

export interface BackgroundEntry {
  /** The request service's task id. */
  id: string;
  url: string;
  /** The filePath the call gave. */
  filePath: string;
  name: string;
  fileName: string;
  tag?: string;
  /** The file's size in bytes. */
  size: number;
  /** The folder of the library's copy of a user file, deleted once the outcome is known. */
  copyDir?: string;
  /** When the upload was created (ms since the epoch). */
  created: number;
}

export type RecordState = 'ok' | 'missing' | 'corrupt';

function isEntry(value: unknown): value is BackgroundEntry {
  if (!isRecord(value)) return false;
  const text = (key: string): boolean => typeof value[key] === 'string';
  return (
    text('id') &&
    text('url') &&
    text('filePath') &&
    text('name') &&
    text('fileName') &&
    typeof value.size === 'number' &&
    typeof value.created === 'number' &&
    (value.tag === undefined || text('tag')) &&
    (value.copyDir === undefined || text('copyDir'))
  );
}

/** The application-level context (its filesDir is the app's, whatever module made the call). */
export function applicationContextOf(context: common.Context): common.Context {
  try {
    if (typeof context.getApplicationContext === 'function') return context.getApplicationContext();
  } catch (err) {
    logError('getApplicationContext() failed; the record of background uploads is kept in this context', err);
  }
  return context;
}

async function makeDir(path: string): Promise<void> {
  try {
    await fileIo.mkdir(path, true);
  } catch (err) {
    if ((err as { code?: unknown }).code !== EEXIST) throw err;
  }
}

function randomToken(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < TOKEN_LENGTH; i++) out += chars.charAt(Math.floor(Math.random() * chars.length));
  return out;
}

async function writeWhole(path: string, text: string): Promise<void> {
  const file = await fileIo.open(path, fileIo.OpenMode.WRITE_ONLY | fileIo.OpenMode.CREATE | fileIo.OpenMode.TRUNC);
  try {
    await fileIo.write(file.fd, text);
    await fileIo.fsync(file.fd);
  } finally {
    await fileIo.close(file);
  }
}

export class BackgroundStore {
  readonly dir: string;
  private loadState: RecordState = 'ok';
  /** Every read and write of the record, in order. */
  private queue: Promise<unknown> = Promise.resolve();
  private tokenText: Promise<string> | undefined;

  constructor(filesDir: string) {
    this.dir = `${filesDir.replace(/\/+$/, '')}/${BACKGROUND_DIR}`;
  }

  get recordPath(): string {
    return `${this.dir}/uploads.json`;
  }

  /** Where a copy of a user file goes: a folder of its own under `copies/`. */
  copyDirFor(key: string): string {
    return `${this.dir}/copies/${key}`;
  }

  /** The token of the library's background tasks, made and saved the first time. */
  token(): Promise<string> {
    if (!this.tokenText) {
      this.tokenText = this.readToken(true).catch((err: unknown) => {
        this.tokenText = undefined;
        throw err;
      });
    }
    return this.tokenText;
  }

  /** The saved token, if there is one (restoring makes none). */
  async savedToken(): Promise<string | undefined> {
    try {
      return await this.token();
    } catch (err) {
      return undefined;
    }
  }

  private async readToken(make: boolean): Promise<string> {
    const path = `${this.dir}/token`;
    if (await fileIo.access(path)) {
      const text = (await fileIo.readText(path)).trim();
      if (text.length >= 8) return text;
    }
    if (!make) throw new Error('no token');
    await makeDir(this.dir);
    const token = randomToken();
    await writeWhole(`${path}.tmp`, token);
    await fileIo.rename(`${path}.tmp`, path);
    return token;
  }

  /** The entries, and whether the record was there and readable. */
  list(): Promise<{ entries: BackgroundEntry[]; state: RecordState }> {
    return this.serial(async () => {
      const entries = await this.load();
      return { entries: entries.slice(), state: this.loadState };
    });
  }

  /**
   * Adds an entry; refused (an Error that says why) when the record holds MAX_ENTRIES already: uploads whose
   * outcome was never delivered, because no process called restoreUploads() since.
   */
  add(entry: BackgroundEntry): Promise<void> {
    return this.serial(async () => {
      const entries = await this.load();
      if (entries.length >= MAX_ENTRIES) {
        throw new Error(
          `too many background uploads not reported yet (${MAX_ENTRIES}): call restoreUploads() to learn their outcomes`,
        );
      }
      await this.save([...entries.filter((e) => e.id !== entry.id), entry]);
    });
  }

  /** Replaces the whole record (after a recovery). */
  replace(entries: BackgroundEntry[]): Promise<void> {
    return this.serial(() => this.save(entries.slice(0, MAX_ENTRIES)));
  }

  /** Forgets an upload whose outcome is delivered (or that is aborted); a failure to write is logged. */
  forget(id: string): Promise<void> {
    return this.serial(async () => {
      const entries = await this.load();
      if (!entries.some((e) => e.id === id)) return;
      await this.save(entries.filter((e) => e.id !== id));
    }).catch((err: unknown) => logError(`could not update the record of background uploads (${id}):`, err));
  }

  private serial<T>(step: () => Promise<T>): Promise<T> {
    const run = this.queue.then(step, step);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Reads the record at each step: another process of the app may have changed it since. */
  private async load(): Promise<BackgroundEntry[]> {
    let entries: BackgroundEntry[] = [];
    const path = this.recordPath;
    if (!(await fileIo.access(path))) {
      this.loadState = 'missing';
    } else {
      try {
        const parsed: unknown = JSON.parse(await fileIo.readText(path));
        if (!isRecord(parsed) || parsed.v !== RECORD_VERSION || !Array.isArray(parsed.uploads))
          throw new Error('not a record of background uploads');
        const list = parsed.uploads as unknown[];
        if (!list.every(isEntry)) throw new Error('an entry is damaged');
        entries = list as BackgroundEntry[];
        this.loadState = 'ok';
      } catch (err) {
        // Kept aside for a post-mortem, never read again; the uploads are found with search() (background.ts).
        this.loadState = 'corrupt';
        logError(`the record of background uploads ${path} is unreadable; it is set aside as ${path}.corrupt:`, err);
        await fileIo.rename(path, `${path}.corrupt`).catch(() => undefined);
      }
    }
    return entries;
  }

  private async save(entries: BackgroundEntry[]): Promise<void> {
    await makeDir(this.dir);
    const tmp = `${this.recordPath}.tmp`;
    await writeWhole(tmp, JSON.stringify({ v: RECORD_VERSION, uploads: entries }));
    await fileIo.rename(tmp, this.recordPath);
    this.loadState = 'ok';
  }
}

const stores = new Map<string, BackgroundStore>();

/** The record of the app that `context` belongs to (one object per directory in a process). */
export function storeOf(context: common.Context): BackgroundStore {
  const filesDir = applicationContextOf(context).filesDir;
  let store = stores.get(filesDir);
  if (!store) {
    store = new BackgroundStore(filesDir);
    stores.set(filesDir, store);
  }
  return store;
}
