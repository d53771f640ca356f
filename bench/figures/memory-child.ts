/**
 * One run of the memory figures, in a fresh process (spawned by memory.ts and memory-media.ts):
 *   node --import tsx --import ./emulator/node-register.mjs bench/figures/memory-child.ts \
 *        <library|direct|media> <real path of the file> <size> <sha256> <upload URL> [agent|uploadFile]
 * `library` and `direct` upload a sandbox path (in cacheDir), `media` the same bytes as a user file of the
 * emulated media library (a file://media/ URI), through the library on the given backend (default agent).
 * Hard-links the file into this process's emulated sandbox (or media library), warms the code path up with a 1 MB upload,
 * collects garbage, then uploads the file while sampling its own RSS every 50 ms. The peak is the larger
 * of the samples and the kernel's high-water mark (VmHWM, reset just before the upload through
 * /proc/self/clear_refs), so a spike between two samples is not missed. Prints one JSON line.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { configure } from '../../src/arkts/index';
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
}

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
  const [variant, source, sizeText, sha256, uploadUrl, backendArg = 'agent'] = process.argv.slice(2);
  if (variant !== 'library' && variant !== 'direct' && variant !== 'media') {
    throw new Error(`variant library|direct|media, got ${variant}`);
  }
  if (backendArg !== 'agent' && backendArg !== 'uploadFile')
    throw new Error(`backend agent|uploadFile, got ${backendArg}`);
  const backend: ArkTsBackend = backendArg;
  useLibrary();
  configure({ backend });
  const asMedia = (f: BenchFile, name: string): BenchFile => {
    const uri = linkUserFile(f.realPath, name);
    const realPath = userFileRealPath(uri) ?? '';
    return { ...f, filePath: uri, realPath, remove: () => rmSync(realPath, { force: true }) };
  };
  const sandboxFile = linkedFile(source, 'memory-1g.bin', Number(sizeText), sha256);
  const file = variant === 'media' ? asMedia(sandboxFile, 'VID_0001.bin') : sandboxFile;
  const upload = async (f: BenchFile, id: string): Promise<void> => {
    const url = `${uploadUrl}?id=${id}`;
    if (variant !== 'direct') {
      checkBody(await libraryUpload(url, f), f, variant);
    } else {
      const { body, remove } = await directUpload(url, f);
      await remove;
      checkBody(body, f, variant);
    }
    await quiesce();
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
  await upload(file, `memory-${variant}`);
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
