/**
 * npm run bench: every figure of docs/performance.md's table, each next to its baseline measured in the same
 * run, printed as one table (stdout); progress goes to stderr.
 *
 *   npm run bench                           all figures
 *   npm run bench -- --only dispatch,abort  some of them (names in FIGURES below)
 *   npm run bench -- --runs 7 --big-runs 5  more runs (defaults 5, and 3 for the 1 GB figures)
 *
 * Runs under `node --import tsx --import ./emulator/node-register.mjs`, which binds the platform
 * modules (@kit.*, @ohos.*) to the @ohos.request emulation of emulator/.
 *
 * Each figure runs in a Node process of its own (this script with --figure <name>), so that no figure
 * inherits another's heap, JIT state, emulation state or loaded modules: playwright-core, which the
 * Chromium figures need, slows promise-heavy code in the process that loads it, and the ArkTS figures
 * must not pay for that. The builds are made once, here, and handed to the figures.
 */
import { spawn } from 'node:child_process';
import { ensureBuilds } from '../scripts/builds';
import { BUILD_ENV } from './lib/builds';
import { describeMachine } from './lib/machine';
import { renderTable } from './lib/table';
import type { BenchContext, Figure, Row } from './lib/types';

/** In the order of the table in docs/performance.md. */
const FIGURES: Record<string, () => Promise<{ default: Figure }>> = {
  'page-throughput': () => import('./figures/page-throughput'),
  'page-blob-url': () => import('./figures/page-blob-url'),
  'arkts-throughput': () => import('./figures/arkts-throughput'),
  dispatch: () => import('./figures/dispatch'),
  'bridge-messages': () => import('./figures/bridge-messages'),
  memory: () => import('./figures/memory'),
  'memory-media': () => import('./figures/memory-media'),
  'page-heap': () => import('./figures/page-heap'),
  abort: () => import('./figures/abort'),
  'bundle-size': () => import('./figures/bundle-size'),
  concurrency: () => import('./figures/concurrency'),
  'http-throughput': async () => ({ default: (await import('./figures/arkts-throughput')).throughputFigure('http') }),
  'http-memory': async () => ({ default: (await import('./figures/memory')).memoryFigure('http') }),
  'http-abort': async () => ({ default: (await import('./figures/abort')).httpAbortFigure }),
};

const ROWS_PREFIX = 'BENCH-ROWS ';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

function positiveInt(name: string, fallback: number): number {
  const value = arg(name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} takes a positive integer, got ${value}`);
  return n;
}

function context(): BenchContext {
  return {
    runs: positiveInt('runs', 5),
    bigRuns: positiveInt('big-runs', 3),
    log: (message) => process.stderr.write(`  ${message}\n`),
  };
}

function errorRow(name: string, err: unknown): Row {
  return {
    figure: name,
    measured: 'error',
    baseline: '-',
    result: '-',
    target: '-',
    pass: false,
    runs: '-',
    note: `${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
  };
}

/** Child mode: one figure, its rows as one JSON line on stdout. */
async function runFigure(name: string): Promise<void> {
  const figure = (await FIGURES[name]()).default;
  const rows = await figure.run(context());
  process.stdout.write(`${ROWS_PREFIX}${JSON.stringify(rows)}\n`);
}

function spawnFigure(name: string, env: NodeJS.ProcessEnv): Promise<Row[]> {
  const passOn = ['runs', 'big-runs'].flatMap((k) => (arg(k) === undefined ? [] : [`--${k}`, arg(k) as string]));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1], '--figure', name, ...passOn], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const line = out.split('\n').find((l) => l.startsWith(ROWS_PREFIX));
      if (code === 0 && line) resolve(JSON.parse(line.slice(ROWS_PREFIX.length)) as Row[]);
      else
        reject(
          new Error(
            `the ${name} process exited with ${signal ?? code}${out ? `; it printed: ${out.slice(-2000)}` : ''}`,
          ),
        );
    });
  });
}

async function main(): Promise<void> {
  const single = arg('figure');
  if (single !== undefined) {
    if (!(single in FIGURES)) throw new Error(`unknown figure ${single}`);
    await runFigure(single);
    return;
  }
  const only = arg('only')
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const names = only ?? Object.keys(FIGURES);
  const unknown = names.filter((n) => !(n in FIGURES));
  if (unknown.length > 0)
    throw new Error(`unknown figure(s) ${unknown.join(', ')}; known: ${Object.keys(FIGURES).join(', ')}`);
  const ctx = context();
  const machine = describeMachine();
  const started = Date.now();

  process.stderr.write('[bench] builds ...\n');
  const builds = await ensureBuilds();
  process.stderr.write(`[bench] builds from ${builds.origin}\n`);
  const env = {
    ...process.env,
    [BUILD_ENV.hybridIife]: builds.hybridIife,
    [BUILD_ENV.arktsJs]: builds.arktsJs,
    [BUILD_ENV.origin]: builds.origin,
  };

  const rows: Row[] = [];
  let errors = 0;
  try {
    for (const name of names) {
      process.stderr.write(`[bench] ${name} ...\n`);
      const t0 = Date.now();
      try {
        rows.push(...(await spawnFigure(name, env)));
      } catch (err) {
        errors++;
        rows.push(errorRow(name, err));
      }
      process.stderr.write(`[bench] ${name} done in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    }
  } finally {
    builds.dispose();
  }

  const out = [
    'harmony-upload-task benchmark',
    `machine: ${machine.cpuCount} CPUs (${machine.cpuModel}), ${machine.memory}, ${machine.os}`,
    `node ${machine.node}; ${machine.chromium}`,
    `runs: ${ctx.runs} per variant (${ctx.bigRuns} for the 1 GB figures; the short figures more, see the runs column), ` +
      'library and baseline alternating; each figure in a fresh process; figures are medians unless noted',
    '',
    renderTable(rows),
    '',
    `total ${((Date.now() - started) / 1000).toFixed(0)} s; ${rows.filter((r) => r.pass === false).length} miss(es) of ${rows.filter((r) => r.pass !== undefined).length} targets`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  // A miss is a result; a figure that could not be measured is a failure of the command.
  if (errors > 0) process.exitCode = 1;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
