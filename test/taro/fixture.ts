/**
 * The Taro fixture app (fixtures/taro-app) built by the real Taro CLI from npm, for one Harmony target, with
 * this library installed in one or more of the ways an app gets it.
 *
 * Each target has its own dependencies, pinned with a lock file (fixtures/taro-app/hybrid/ at Taro 4.1.11,
 * fixtures/taro-app/harmony/ at 4.2.0). npm installs them once into
 * .cache/taro-app/<target>-<hash of the lock file>/ (git-ignored), where later runs find them; a changed
 * lock file makes a new folder and the old one is removed. The installed node_modules are only read after
 * that: every build gets its own app folder, .cache/taro-app/builds/<target>-<install>/, with the app's
 * sources and a node_modules of links to the installed packages, so that the builds of one target share
 * one install and run side by side.
 *
 * The library is what `npm pack` ships: the tarball is made (scripts skipped) and unpacked once per run into
 * .cache/taro-app/package/<target>/harmony-upload-task/. When dist/ is missing or older than the sources,
 * its dist/ is replaced by a build of the same rollup configuration (dist/ itself is never written here: a
 * concurrent `npm run build` may be writing it). An app then has it
 * - `packed`: copied into its node_modules, as `npm install harmony-upload-task` (or of the tarball) lays
 *   it out;
 * - `linked`: as a symbolic link from its node_modules to that folder, which is outside the app, as
 *   `npm link`, a `file:` dependency on a folder, and a workspace lay it out. Code in the library then
 *   resolves its own imports from where the folder really is, where the app's packages are not.
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
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = join(ROOT, 'fixtures/taro-app');
const CACHE = join(ROOT, '.cache/taro-app');
const INSTALLED = '.installed';
const LIBRARY = 'harmony-upload-task';

export type TaroTarget = 'harmony-hybrid' | 'harmony';

/** How the app has this library: unpacked from the tarball into node_modules, or a link to a folder. */
export type LibraryInstall = 'packed' | 'linked';

export interface TaroApp {
  /** How the library was installed in this app. */
  install: LibraryInstall;
  /** The folder the app was built in (its node_modules, config, src and build output). */
  root: string;
  /** Where the build wrote: the web build (harmony-hybrid), or the ETS project's ets/ folder (harmony). */
  output: string;
  /** Milliseconds spent building. */
  buildMs: number;
}

export interface TaroBuilds<I extends LibraryInstall> {
  /** One app per install asked for. */
  apps: Record<I, TaroApp>;
  /** Milliseconds spent installing the target's dependencies (0 when the install was already cached). */
  installMs: number;
  /** Milliseconds spent packing the library. */
  packMs: number;
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

function run(command: string, args: string[], cwd: string, log: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...childEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const output: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => {
      stdout.push(b);
      output.push(b);
    });
    child.stderr.on('data', (b: Buffer) => output.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const text = Buffer.concat(output).toString('utf8');
      writeFileSync(log, text);
      if (code === 0) resolve(Buffer.concat(stdout).toString('utf8'));
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

function distIsFresh(): boolean {
  const dist = join(ROOT, 'dist');
  if (!existsSync(dist)) return false;
  const sources = Math.max(newestMtime(join(ROOT, 'src')), newestMtime(join(ROOT, 'rollup.config.mjs')));
  // The oldest file of dist/ decides: one entry left over from an older build is stale too.
  let oldest = Number.POSITIVE_INFINITY;
  const walk = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const file = join(path, entry.name);
      if (entry.isDirectory()) walk(file);
      else oldest = Math.min(oldest, statSync(file).mtimeMs);
    }
  };
  walk(dist);
  return oldest >= sources;
}

/** dist/ as `npm run build` writes it, into `dest` instead. */
async function buildDist(dest: string): Promise<void> {
  const { rollup } = await import('rollup');
  const configs = (await import(join(ROOT, 'rollup.config.mjs'))).default as Array<
    import('rollup').RollupOptions & { output: import('rollup').OutputOptions }
  >;
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    for (const config of configs) {
      const bundle = await rollup(config);
      await bundle.write({ ...config.output, file: join(dest, String(config.output.file)) });
      await bundle.close();
    }
  } finally {
    process.chdir(cwd);
  }
}

/**
 * This library as `npm pack` ships it, unpacked into a folder of its own outside any app; returns the
 * package's folder.
 */
async function packLibrary(target: TaroTarget): Promise<string> {
  const dir = join(CACHE, 'package', DEPENDENCIES[target]);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // --ignore-scripts: a prepack script would write dist/ in the working tree.
  const out = await run(
    'npm',
    ['pack', '--json', '--ignore-scripts', '--pack-destination', dir],
    ROOT,
    join(dir, 'npm-pack.log'),
  );
  const [{ filename }] = JSON.parse(out) as Array<{ filename: string }>;
  const unpacked = join(dir, 'unpacked');
  mkdirSync(unpacked);
  await run('tar', ['-xzf', join(dir, filename), '-C', unpacked], dir, join(dir, 'tar.log'));
  // The tarball's one folder is `package`; it goes by the package's name, as it does in node_modules.
  const pkg = join(dir, LIBRARY);
  renameSync(join(unpacked, 'package'), pkg);
  if (!distIsFresh()) {
    rmSync(join(pkg, 'dist'), { recursive: true, force: true });
    await buildDist(pkg);
  }
  return pkg;
}

/**
 * An app folder for one build: the app's sources, and a node_modules whose entries link to the installed
 * ones (package managers' own layouts resolve the same way: each package from where it really is), plus
 * this library as `install` says.
 */
function layOutApp(target: TaroTarget, installRoot: string, pkg: string, install: LibraryInstall): string {
  const root = join(CACHE, 'builds', `${DEPENDENCIES[target]}-${install}`);
  // A link is removed, never followed: the installed packages and the library's folder stay.
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'node_modules'), { recursive: true });
  for (const entry of ['src', 'config', 'babel.config.js']) {
    cpSync(join(FIXTURE, entry), join(root, entry), { recursive: true });
  }
  cpSync(join(installRoot, 'package.json'), join(root, 'package.json'));
  const installed = join(installRoot, 'node_modules');
  for (const entry of readdirSync(installed)) {
    if (entry === LIBRARY || entry === '.cache' || entry === '.package-lock.json') continue;
    symlinkSync(join(installed, entry), join(root, 'node_modules', entry));
  }
  const dest = join(root, 'node_modules', LIBRARY);
  if (install === 'packed') cpSync(pkg, dest, { recursive: true });
  else symlinkSync(pkg, dest, 'dir');
  return root;
}

async function build(target: TaroTarget, root: string, install: LibraryInstall): Promise<TaroApp> {
  const started = Date.now();
  const taro = join(root, 'node_modules/@tarojs/cli/bin/taro');
  const webpackCache = join(CACHE, 'webpack', `${DEPENDENCIES[target]}-${install}`);
  await run(process.execPath, [taro, 'build', '--type', target], root, join(root, 'taro-build.log'), {
    TARO_FIXTURE_WEBPACK_CACHE: webpackCache,
  });
  const buildMs = Date.now() - started;
  const output = target === 'harmony' ? join(root, 'harmony-project/entry/src/main/ets') : join(root, 'dist');
  if (!existsSync(output)) throw new Error(`taro build --type ${target} wrote nothing to ${output}`);
  return { install, root, output, buildMs };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/**
 * Installs (or finds) the target's dependencies, packs the library, and builds the app once per install
 * asked for, side by side.
 */
export async function buildTaroApps<I extends LibraryInstall>(
  target: TaroTarget,
  installs: readonly I[],
): Promise<TaroBuilds<I>> {
  const [{ root: installRoot, ms: installMs }, { pkg, packMs }] = await Promise.all([
    install(target),
    (async () => {
      const started = Date.now();
      const pkg = await packLibrary(target);
      return { pkg, packMs: Date.now() - started };
    })(),
  ]);
  const started = Date.now();
  const built = await Promise.all(installs.map((how) => build(target, layOutApp(target, installRoot, pkg, how), how)));
  const apps = Object.fromEntries(built.map((app) => [app.install, app])) as Record<I, TaroApp>;
  console.info(
    `Taro fixture (${target}): install ${installMs ? seconds(installMs) : 'cached'}, pack ${seconds(packMs)}, ` +
      `builds ${built.map((app) => `${app.install} ${seconds(app.buildMs)}`).join(', ')} ` +
      `(${seconds(Date.now() - started)} side by side)`,
  );
  return { apps, installMs, packMs };
}
