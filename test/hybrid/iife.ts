/**
 * The script a plain web page loads: dist/hybrid/harmony-upload-task.iife.js from `npm run build`, or,
 * when that is missing or older than the sources, the same entry bundled here with esbuild into a
 * temporary folder (the test never writes into dist/, which a concurrent build may be writing).
 */
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DIST_IIFE = join(ROOT, 'dist/hybrid/harmony-upload-task.iife.js');
const SOURCES = ['src/core', 'src/hybrid', 'src/bridge'].map((dir) => join(ROOT, dir));

function newestSourceTime(): number {
  let newest = 0;
  for (const dir of SOURCES) {
    for (const name of readdirSync(dir)) newest = Math.max(newest, statSync(join(dir, name)).mtimeMs);
  }
  return newest;
}

function isFresh(path: string): boolean {
  try {
    return statSync(path).mtimeMs >= newestSourceTime();
  } catch {
    return false;
  }
}

export interface HybridScript {
  path: string;
  /** Where it came from, for the test log. */
  origin: 'dist' | 'esbuild';
}

export async function hybridIife(): Promise<HybridScript> {
  if (isFresh(DIST_IIFE)) return { path: DIST_IIFE, origin: 'dist' };
  const path = join(mkdtempSync(join(tmpdir(), 'hybrid-iife-')), 'harmony-upload-task.iife.js');
  await build({
    entryPoints: [join(ROOT, 'src/hybrid/index.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'HarmonyUploadTask',
    platform: 'browser',
    target: 'es2021',
    minify: true,
    outfile: path,
    logLevel: 'silent',
  });
  return { path, origin: 'esbuild' };
}
