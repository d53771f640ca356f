// `npm test`: every check of the project, in stages, with the time each one took, so that a slow stage
// (or a slow test added to one) shows at once.
//
// The static checks and the unit tests run in two lanes side by side (each lane's stages one after
// another): they are independent of each other, and most of them keep one core busy, not two. The
// integration tests need the build (the page tests load dist/), so they start once both lanes are done;
// the Hypium suite comes last. The first stage that fails stops the run; its output and the times so far
// are printed.
//
//   node scripts/test-stages.mjs            every stage
//   node scripts/test-stages.mjs unit lint  only the stages named (in their usual order)
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** A stage: its name and the npm script it runs. */
const LANES = [
  [
    { name: 'lint', script: 'lint' },
    { name: 'build', script: 'build' },
    { name: 'package', script: 'check:package' },
  ],
  [
    { name: 'typecheck', script: 'typecheck' },
    { name: 'lint:arkts', script: 'lint:arkts' },
    { name: 'unit', script: 'test:unit' },
  ],
];
const AFTER = [
  { name: 'integration', script: 'test:integration', live: true },
  { name: 'hypium', script: 'test:hypium', live: true },
];

const wanted = process.argv.slice(2);
const picked = (stage) => wanted.length === 0 || wanted.includes(stage.name);
const times = [];
const startedAt = performance.now();

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

function printTimes(outcome) {
  const width = Math.max(...times.map((t) => t.name.length), 'total'.length);
  console.log(`\nnpm test: stages (wall time; the first two lanes run side by side)${outcome}`);
  for (const t of times)
    console.log(`  ${t.name.padEnd(width)}  ${seconds(t.ms).padStart(8)}  ${t.ok ? 'ok' : 'FAILED'}`);
  console.log(`  ${'total'.padEnd(width)}  ${seconds(performance.now() - startedAt).padStart(8)}`);
}

/** Runs one stage; `live` stages write to the terminal as they go, the others all at once when they end. */
function run(stage) {
  return new Promise((resolve) => {
    const began = performance.now();
    const child = spawn('npm', ['run', '--silent', stage.script], {
      stdio: stage.live ? 'inherit' : ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? (process.stdout.isTTY ? '1' : '0') },
    });
    const output = [];
    child.stdout?.on('data', (chunk) => output.push(chunk));
    child.stderr?.on('data', (chunk) => output.push(chunk));
    child.on('close', (code, signal) => {
      const ms = performance.now() - began;
      const ok = code === 0;
      if (output.length > 0) process.stdout.write(Buffer.concat(output));
      console.log(`${ok ? '✓' : '✗'} ${stage.name}: ${seconds(ms)}${ok ? '' : ` (exit ${signal ?? code})`}\n`);
      times.push({ name: stage.name, ms, ok });
      resolve(ok);
    });
  });
}

async function runLane(stages) {
  for (const stage of stages.filter(picked)) if (!(await run(stage))) return false;
  return true;
}

const lanes = await Promise.all(LANES.map(runLane));
let ok = lanes.every(Boolean);
for (const stage of AFTER.filter(picked)) {
  if (!ok) break;
  ok = await run(stage);
}
printTimes(ok ? '' : ': FAILED');
process.exitCode = ok ? 0 : 1;
