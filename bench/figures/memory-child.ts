/**
 * One run of the memory figure, in a fresh process (spawned by memory.ts):
 *   node --import tsx --import ./emulator/node-register.mjs bench/figures/memory-child.ts \
 *        <library|direct|direct-remote|media> <agent|http|uploadFile> <real path of the file> <size> <sha256> <upload URL>
 * `library` and `direct` upload a sandbox path (in cacheDir), through the library or the platform driven
 * directly on the given engine; `media` uploads the same bytes as a user file of the emulated media library
 * (a file://media/ URI) through the library. Hard-links the file into this process's emulated sandbox (or
 * media library), warms the code path up with a 1 MB upload,
 * collects garbage, then uploads the file while sampling its own RSS every 50 ms. The peak is the larger
 * of the samples and the kernel's high-water mark (VmHWM, reset just before the upload through
 * /proc/self/clear_refs), so a spike between two samples is not missed. `direct-remote` is the control on
 * @ohos.net.http: the form part with remoteFileName, which the platform reads whole into memory. It also
 * counts the progress events that reached the listener. Prints one JSON line.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { ArkTsBackend } from '../../src/arkts/types';
import { linkUserFile, userFileRealPath } from '../../emulator/control';
import { checkBody, directUpload, libraryUpload, quiesce, useLibrary } from '../lib/arkts';
import { gc } from '../lib/ab';
import { type BenchFile, benchFile, linkedFile } from '../lib/files';
import { MB, sleep } from '../lib/stats';

export interface MemoryRun {
  variant: string;
  start: number;
  sampledPeak: number;
  hwmPeak: number | undefined;
  peak: number;
  samples: number;
  ms: number;
  /** Progress events the listener got during the upload. */
  progressEvents: number;
}

const VARIANTS = ['library', 'direct', 'direct-remote', 'media'] as const;
const BACKENDS: readonly string[] = ['agent', 'http', 'uploadFile'] satisfies ArkTsBackend[];

function vmHwm(): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

function resetHwm(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const [variant, backendName, source, sizeText, sha256, uploadUrl] = process.argv.slice(2);
  if (!VARIANTS.includes(variant as (typeof VARIANTS)[number]))
    throw new Error(`variant ${VARIANTS.join('|')}, got ${variant}`);
  if (!BACKENDS.includes(backendName)) throw new Error(`backend ${BACKENDS.join('|')}, got ${backendName}`);
  const backend = backendName as ArkTsBackend;
  const direct = variant === 'direct' || variant === 'direct-remote';
  if (direct && backend !== 'agent' && backend !== 'http') throw new Error(`${variant} runs on agent or http`);
  useLibrary(10, backend);
  const asMedia = (f: BenchFile, name: string): BenchFile => {
    const uri = linkUserFile(f.realPath, name);
    const realPath = userFileRealPath(uri) ?? '';
    return { ...f, filePath: uri, realPath, remove: () => rmSync(realPath, { force: true }) };
  };
  const sandboxFile = linkedFile(source, 'memory-1g.bin', Number(sizeText), sha256);
  const file = variant === 'media' ? asMedia(sandboxFile, 'VID_0001.bin') : sandboxFile;
  const upload = async (f: BenchFile, id: string): Promise<number> => {
    const url = `${uploadUrl}?id=${id}`;
    let events = 0;
    if (!direct) {
      checkBody(await libraryUpload(url, f, () => void events++), f, variant);
    } else if (backend === 'agent' || backend === 'http') {
      const remoteFileName = variant === 'direct-remote' ? 'memory-1g.bin' : undefined;
      const { body, progressEvents, release } = await directUpload(backend, url, f, remoteFileName);
      await release;
      checkBody(body, f, variant);
      events = progressEvents;
    }
    await quiesce();
    return events;
  };
  const warmSandbox = await benchFile('warm-1m.bin', 1 * MB);
  const warm = variant === 'media' ? asMedia(warmSandbox, 'VID_0000.bin') : warmSandbox;
  await upload(warm, `warm-${variant}`);
  warm.remove();
  warmSandbox.remove();
  gc();
  await sleep(200);
  gc();

  const start = process.memoryUsage.rss();
  const canReset = resetHwm();
  let sampledPeak = start;
  let samples = 0;
  const timer = setInterval(() => {
    sampledPeak = Math.max(sampledPeak, process.memoryUsage.rss());
    samples++;
  }, 50);
  const t0 = performance.now();
  const progressEvents = await upload(file, `memory-${variant}`);
  const ms = performance.now() - t0;
  clearInterval(timer);
  sampledPeak = Math.max(sampledPeak, process.memoryUsage.rss());
  const hwmPeak = canReset ? vmHwm() : undefined;
  file.remove();
  sandboxFile.remove();
  const run: MemoryRun = {
    variant,
    start,
    sampledPeak,
    hwmPeak,
    peak: Math.max(sampledPeak, hwmPeak ?? 0),
    samples,
    ms,
    progressEvents,
  };
  process.stdout.write(`${JSON.stringify(run)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
