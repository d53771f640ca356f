/**
 * The request service's task store on an emulated device: one JSON file in the device directory,
 * replaced atomically (written beside it, then renamed) at every change of a task, as the service keeps
 * every task in its database (request_request `services/src/manage/database.rs`, table `request_task`).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** A task as the store holds it. */
export interface StoredTask {
  tid: string;
  /** `Config.token`, or "null" when none was given (the service's default). */
  token: string;
  /** `agent.Mode`: 0 BACKGROUND, 1 FOREGROUND. */
  mode: number;
  /** `agent.State`: 0x10 WAITING, 0x20 RUNNING, 0x21 RETRYING, 0x40 COMPLETED, 0x41 FAILED, ... */
  state: number;
  /** `TaskInfo.reason`. */
  reason: string;
  url: string;
  /** Sandbox paths of the files. */
  files: string[];
  /** The file being sent, the bytes sent of each file, the bytes to send of each file. */
  index: number;
  processed: number[];
  sizes: number[];
  /** How many times the current file was started again (network retries). */
  tries: number;
  /** HTTP requests begun for the task. */
  attempts: number;
  ctime: number;
  mtime: number;
  /** What a restarted service needs to make the task again: the app's config, its cacheDir, body files. */
  config: unknown;
  cacheDir: string;
  bodyFiles: string[];
  /** Headers of the last answer (`TaskInfo.extras`). */
  headers: Record<string, string>;
  /** `show()` of the task at the last write (the whole TaskInfo, as JSON). */
  info: unknown;
}

export function readStoreFile(path: string): StoredTask[] {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { tasks?: StoredTask[] };
    return Array.isArray(parsed.tasks) ? parsed.tasks : [];
  } catch {
    return [];
  }
}

export function writeStoreFile(path: string, tasks: readonly StoredTask[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify({ tasks }));
  renameSync(temporary, path);
}
