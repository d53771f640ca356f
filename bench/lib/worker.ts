/**
 * The parent side of bench/figures/arkts-worker.ts: a long-lived process per variant, asked over IPC to
 * run its job once at a time, so that runs of the two variants can alternate in time while each keeps its
 * own heap, JIT and emulation state.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Job, RunResult } from '../figures/arkts-worker';
import type { Engine } from './arkts';
import { ROOT } from '../../scripts/builds';
import type { BenchFile } from './files';

const SCRIPT = fileURLToPath(new URL('../figures/arkts-worker.ts', import.meta.url));

export interface VariantWorker {
  run(id: string): Promise<RunResult>;
  close(): Promise<void>;
}

function ask<T>(child: ChildProcess, message: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: unknown): void => {
      cleanup();
      const r = reply as { error?: string };
      if (r.error) reject(new Error(`worker: ${r.error}`));
      else resolve(reply as T);
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`worker exited (${code})`));
    };
    const cleanup = (): void => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
    child.send(message as object);
  });
}

export async function startWorker(
  variant: 'library' | 'direct',
  job: Job,
  files: readonly BenchFile[],
  uploadUrl: string,
  engine: Engine = 'agent',
): Promise<VariantWorker> {
  const child = fork(SCRIPT, [], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx', '--import', './emulator/node-register.mjs'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await ask(child, {
    setup: {
      variant,
      engine,
      job,
      uploadUrl,
      files: files.map((f) => ({ realPath: f.realPath, size: f.size, sha256: f.sha256 })),
    },
  });
  return {
    run: (id) => ask<RunResult>(child, { run: id }),
    async close() {
      if (child.connected) child.disconnect();
      await exited;
    },
  };
}
