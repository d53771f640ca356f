/**
 * One side of an ArkTS A/B figure, in a process of its own (spawned by lib/worker.ts), so that the library
 * and the baseline never share a heap, a JIT or the emulation's state, as they never would in an app:
 *   node --import tsx --import ./emulator/node-register.mjs bench/figures/arkts-worker.ts
 * The parent sends { setup }, then { run } messages one at a time, and alternates between the two workers.
 *
 * - setup: the job (one upload of a file, or COUNT uploads at once with a cap), the variant, the engine, the
 *   files (real paths, hard-linked into this process's emulated sandbox) and the upload URL;
 * - run: does the job once; answers the wall time (call to outcome) and this process's CPU time, after
 *   checking the sha256 the server computed for every file. Between runs: the emulation quiesces, GC.
 */
import { checkBody, directUpload, libraryUpload, quiesce, useLibrary } from '../lib/arkts';
import type { Engine } from '../lib/arkts';
import { gc } from '../lib/ab';
import { linkedFile } from '../lib/files';
import type { BenchFile } from '../lib/files';

export type Job = { kind: 'one' } | { kind: 'many'; cap: number };

export interface SetupMessage {
  setup: {
    variant: 'library' | 'direct';
    engine: Engine;
    job: Job;
    files: Array<{ realPath: string; size: number; sha256: string }>;
    uploadUrl: string;
  };
}
export interface RunMessage {
  run: string;
}
export interface RunResult {
  ms: number;
  cpuMs: number;
}

let variant: 'library' | 'direct' = 'library';
let engine: Engine = 'agent';
let job: Job = { kind: 'one' };
let files: BenchFile[] = [];
let uploadUrl = '';

async function one(file: BenchFile, id: string): Promise<{ body: string; removed: Promise<void> }> {
  const url = `${uploadUrl}?id=${id}`;
  if (variant === 'library') return { body: await libraryUpload(url, file), removed: Promise.resolve() };
  const { body, release } = await directUpload(engine, url, file);
  return { body, removed: release };
}

/** COUNT uploads: the library gets them all at once (its queue applies the cap); the baseline, a pool of `cap` workers. */
async function many(cap: number, id: string): Promise<Array<{ body: string; removed: Promise<void> }>> {
  if (variant === 'library') return Promise.all(files.map((f, k) => one(f, `${id}-${k}`)));
  const out: Array<{ body: string; removed: Promise<void> }> = new Array(files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const k = next++;
      out[k] = await one(files[k], `${id}-${k}`);
    }
  };
  await Promise.all(Array.from({ length: cap }, worker));
  return out;
}

async function run(id: string): Promise<RunResult> {
  gc();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const results = job.kind === 'one' ? [await one(files[0], id)] : await many(job.cap, id);
  const ms = performance.now() - t0;
  const used = process.cpuUsage(c0);
  await Promise.all(results.map((r) => r.removed));
  for (const [k, r] of results.entries()) checkBody(r.body, files[k], `${variant} ${id} file ${k}`);
  await quiesce();
  return { ms, cpuMs: (used.user + used.system) / 1000 };
}

process.on('message', (message: SetupMessage | RunMessage) => {
  const reply = (value: unknown): void => void process.send?.(value);
  const fail = (err: unknown): void =>
    reply({ error: err instanceof Error ? (err.stack ?? err.message) : JSON.stringify(err) });
  if ('setup' in message) {
    const s = message.setup;
    variant = s.variant;
    engine = s.engine;
    job = s.job;
    uploadUrl = s.uploadUrl;
    useLibrary(job.kind === 'many' ? job.cap : 10, engine);
    files = s.files.map((f, k) => linkedFile(f.realPath, `worker/${k}.bin`, f.size, f.sha256));
    reply({ ready: true });
    return;
  }
  run(message.run).then(reply, fail);
});
process.on('disconnect', () => {
  for (const f of files) f.remove();
  process.exit(0);
});
