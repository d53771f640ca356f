/**
 * The parent side of bench/figures/arkts-worker.ts: a long-lived process per variant, asked over IPC to
 * run its job once at a time, so that runs of the two variants can alternate in time while each keeps its
 * own heap, JIT and emulation state.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Job, RunResult } from '../figures/arkts-worker';
import { alternatePairs } from './ab';
import type { AbResult } from './ab';
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

export interface WorkerRuns {
  /** Wall times: a = the library, b = the platform driven directly. */
  ab: AbResult;
  /** CPU time of the uploading process per timed run. */
  cpu: Record<Variant, number[]>;
}

type Variant = 'library' | 'direct';

/**
 * The library and the platform driven directly, each in worker processes of its own, their runs
 * alternating over `pairs` fresh pairs of processes (ab.ts alternatePairs: a process has a speed of its
 * own), each worker warmed up with one run first.
 */
export async function alternateWorkers(options: {
  label: string;
  pairs: number;
  rounds: number;
  job: Job;
  files: readonly BenchFile[];
  uploadUrl: string;
  engine?: Engine;
  log(message: string): void;
}): Promise<WorkerRuns> {
  const { label, job, files, uploadUrl, engine, log } = options;
  const cpu: Record<Variant, number[]> = { library: [], direct: [] };
  const runner =
    (name: Variant, w: VariantWorker) =>
    async (i: number | string): Promise<number> => {
      const r = await w.run(`${name}-${i}`);
      if (typeof i === 'number') cpu[name].push(r.cpuMs);
      log(`${label}: ${name.padEnd(7)} ${i}: ${r.ms.toFixed(0)} ms (cpu ${r.cpuMs.toFixed(0)} ms)`);
      return r.ms;
    };
  const ab = await alternatePairs(options.pairs, options.rounds, async (pair) => {
    const order: Variant[] = pair % 2 === 0 ? ['library', 'direct'] : ['direct', 'library'];
    const started: Partial<Record<Variant, VariantWorker>> = {};
    for (const v of order) started[v] = await startWorker(v, job, files, uploadUrl, engine);
    const lib = started.library as VariantWorker;
    const direct = started.direct as VariantWorker;
    await runner('library', lib)(`warm-up-${pair}`);
    await runner('direct', direct)(`warm-up-${pair}`);
    const close = async (): Promise<void> => {
      await lib.close();
      await direct.close();
    };
    return { a: runner('library', lib), b: runner('direct', direct), close };
  });
  return { ab, cpu };
}
