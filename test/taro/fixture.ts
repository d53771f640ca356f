/**
 * The Taro fixture app (fixtures/taro-app) built by the real Taro CLI from npm, for one Harmony target.
 *
 * Each target has its own dependencies, pinned with a lock file (fixtures/taro-app/hybrid/ at Taro 4.1.11,
 * fixtures/taro-app/harmony/ at 4.2.0). npm installs them once into
 * .cache/taro-app/<target>-<hash of the lock file>/ (git-ignored), where later runs find them; a changed
 * lock file makes a new folder and the old one is removed. On every run the app's sources and this library
 * are copied next to those node_modules, and `taro build --type <target>` builds the app there.
 *
 * The library goes in as npm installs it: package.json and dist/. When dist/ is missing or older than the
 * sources, the same rollup configuration builds it straight into the copy (dist/ itself is never written
 * here: a concurrent `npm run build` may be writing it).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = join(ROOT, 'fixtures/taro-app');
const CACHE = join(ROOT, '.cache/taro-app');
const INSTALLED = '.installed';

export type TaroTarget = 'harmony-hybrid' | 'harmony';

export interface TaroApp {
  /** The folder the app was built in (its node_modules, config, src and build output). */
  root: string;
  /** Where the build wrote: the web build (harmony-hybrid), or the ETS project's ets/ folder (harmony). */
  output: string;
  /** Milliseconds spent installing (0 when the install was already cached) and building. */
  installMs: number;
  buildMs: number;
}

const DEPENDENCIES: Record<TaroTarget, string> = { 'harmony-hybrid': 'hybrid', harmony: 'harmony' };
const DEPENDENCY_FILES = ['package.json', 'package-lock.json', '.npmrc'];

/**
 * The environment for npm and Taro: without the npm_* variables of an enclosing `npm test`, and without
 * vitest's NODE_ENV=test, under which babel-preset-taro compiles ES modules to CommonJS (a page that then
 * fails with "require is not defined").
 */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(npm_|VITEST)/i.test(name) && name !== 'NODE_ENV') env[name] = value;
  }
  return { ...env, CI: 'true', NO_UPDATE_NOTIFIER: '1' };
}

function run(command: string, args: string[], cwd: string, log: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const output: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => output.push(b));
    child.stderr.on('data', (b: Buffer) => output.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const text = Buffer.concat(output).toString('utf8');
      writeFileSync(log, text);
      if (code === 0) resolve();
      else
        reject(new Error(`${command} ${args.join(' ')} failed (${code}) in ${cwd}; log ${log}:\n${text.slice(-4000)}`));
    });
  });
}

function lockHash(dir: string): string {
  const hash = createHash('sha256');
  for (const name of DEPENDENCY_FILES) {
    const path = join(dir, name);
    hash.update(`${name}\0${existsSync(path) ? readFileSync(path) : ''}\0`);
  }
  // Installed binaries (esbuild's, for one) are per platform and Node version.
  hash.update(`${process.platform}-${process.arch}-node${process.versions.node.split('.')[0]}`);
  return hash.digest('hex').slice(0, 16);
}

/** The target's node_modules, installed from its lock file unless a folder for the same lock file has them. */
async function install(target: TaroTarget): Promise<{ root: string; ms: number }> {
  const name = DEPENDENCIES[target];
  const source = join(FIXTURE, name);
  const root = join(CACHE, `${name}-${lockHash(source)}`);
  if (existsSync(join(root, INSTALLED))) return { root, ms: 0 };
  const started = Date.now();
  mkdirSync(CACHE, { recursive: true });
  // Installed aside and renamed into place: a folder under its final name is always complete.
  const staging = `${root}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  for (const file of DEPENDENCY_FILES)
    if (existsSync(join(source, file))) cpSync(join(source, file), join(staging, file));
  // npm install, which installs the locked tree, rather than npm ci: Taro 4.2.0's CLI depends on native
  // bindings for macOS and Windows that this registry does not have, so its lock file cannot list them,
  // and npm ci refuses such a lock file as out of sync.
  await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error'],
    staging,
    join(staging, 'npm-install.log'),
  );
  writeFileSync(join(staging, INSTALLED), `${new Date().toISOString()}\n`);
  // Installs for older lock files of the target go, and with them their half-GB of node_modules.
  for (const old of readdirSync(CACHE)) {
    if (old.startsWith(`${name}-`) && join(CACHE, old) !== staging)
      rmSync(join(CACHE, old), { recursive: true, force: true });
  }
  renameSync(staging, root);
  return { root, ms: Date.now() - started };
}

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

const BUILT = [
  'dist/arkts/index.d.ts',
  'dist/hybrid/index.js',
  'dist/hybrid/index.d.ts',
  'dist/taro/hybrid.js',
  'dist/taro/hybrid.d.ts',
];

function distIsFresh(): boolean {
  const sources = Math.max(newestMtime(join(ROOT, 'src')), newestMtime(join(ROOT, 'rollup.config.mjs')));
  return BUILT.every((file) => existsSync(join(ROOT, file)) && statSync(join(ROOT, file)).mtimeMs >= sources);
}

/** This library in the app's node_modules, as `npm install harmony-upload-task` lays it out. */
async function installLibrary(appRoot: string): Promise<void> {
  const dest = join(appRoot, 'node_modules/harmony-upload-task');
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(dest, 'package.json'));
  if (distIsFresh()) {
    cpSync(join(ROOT, 'dist'), join(dest, 'dist'), { recursive: true });
    return;
  }
  const { rollup } = await import('rollup');
  const configs = (await import(join(ROOT, 'rollup.config.mjs'))).default as Array<
    import('rollup').RollupOptions & { output: import('rollup').OutputOptions }
  >;
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    for (const config of configs) {
      const file = String(config.output.file);
      if (!BUILT.includes(file)) continue;
      const bundle = await rollup(config);
      await bundle.write({ ...config.output, file: join(dest, file) });
      await bundle.close();
    }
  } finally {
    process.chdir(cwd);
  }
}

/** Installs (or finds) the target's dependencies, lays the app and the library out, and builds it. */
export async function buildTaroApp(target: TaroTarget): Promise<TaroApp> {
  const { root, ms: installMs } = await install(target);
  for (const entry of ['src', 'config', 'babel.config.js', 'dist', 'harmony-project']) {
    rmSync(join(root, entry), { recursive: true, force: true });
  }
  for (const entry of ['src', 'config', 'babel.config.js']) {
    cpSync(join(FIXTURE, entry), join(root, entry), { recursive: true });
  }
  await installLibrary(root);
  const started = Date.now();
  const taro = join(root, 'node_modules/@tarojs/cli/bin/taro');
  await run(process.execPath, [taro, 'build', '--type', target], root, join(root, 'taro-build.log'));
  const buildMs = Date.now() - started;
  const output = target === 'harmony' ? join(root, 'harmony-project/entry/src/main/ets') : join(root, 'dist');
  if (!existsSync(output)) throw new Error(`taro build --type ${target} wrote nothing to ${output}`);
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  console.info(
    `Taro fixture (${target}): install ${installMs ? seconds(installMs) : 'cached'}, build ${seconds(buildMs)} in ${root}`,
  );
  return { root, output, installMs, buildMs };
}
