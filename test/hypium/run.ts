/**
 * Step 2 of `npm run test:hypium`: runs the hypium suites of entry/src/ohosTest (compiled into
 * build/hypium by compile.mjs) under Node, with @ohos/hypium from npm, the way OpenHarmonyTestRunner
 * runs them on a device: it gives the suites their environment (setTestEnvironment), then calls
 * Hypium.hypiumTest with an ability delegator. Here the delegator is a stand-in that collects hypium's
 * report, the platform modules are the @ohos.request emulation (resolve.mjs), the server is the local
 * upload server, and the context and files are those of the emulated app sandbox.
 *
 * Prints each case, then `N passed, N failed`; exits 1 on any failure or error, on a case that did not
 * run, on an unhandled rejection or uncaught exception, or when uploads, platform tasks or sockets are
 * left behind. Hypium parameters pass through: `npm run test:hypium -- -s itName 'a missing file ...'`.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type common from '@ohos.app.ability.common';
import { Hypium } from '@ohos/hypium';
import { emulationStats, resetEmulation } from '../../emulator/control';
import { BUNDLE_NAME, getSandbox } from '../../emulator/sandbox';
import { startUploadServer } from '../../server/upload-server';
import { HypiumReport } from './report';

/** Hypium's per-case limit (its default, 5 s, is shorter than the slow-server cases). */
const CASE_TIMEOUT_MS = 30000;
/** The whole run; hypium itself never gives up on a suite whose hooks hang. */
const RUN_TIMEOUT_MS = 5 * 60 * 1000;
const BUILD = join(import.meta.dirname, '../../build/hypium');
const TEST_DIR = join(BUILD, 'entry/src/ohosTest/ets');

/** Mirrors entry/src/ohosTest/ets/support/TestEnvironment.ets, which the compiled suites read. */
interface TestFile {
  path: string;
  size: number;
  sha256: string;
}
interface TestEnvironment {
  uploadUrl: string;
  context: common.Context;
  makeFile(name: string, size: number): Promise<TestFile>;
}

/** An export of a compiled module (plain JS, no declarations): checked to be a function, then typed. */
async function compiledFunction<F>(file: string, name: string): Promise<F> {
  const exports: Record<string, unknown> = await import(pathToFileURL(file).href);
  const value = exports[name];
  if (typeof value !== 'function') throw new Error(`${file} has no function export "${name}": run compile.mjs first`);
  return value as F;
}

/** hypium's parameters, from `-s <name> <value>` pairs on the command line, as `aa test` takes them. */
function parameters(): Record<string, string> {
  const out: Record<string, string> = { '-s timeout': String(CASE_TIMEOUT_MS) };
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i += 3) {
    const [flag, name, value] = args.slice(i, i + 3);
    if (flag !== '-s' || name === undefined || value === undefined) {
      throw new Error(`expected -s <name> <value> pairs, got: ${args.slice(i).join(' ')}`);
    }
    out[`-s ${name}`] = value;
  }
  return out;
}

/** Runs the suites; resolves when hypium calls finishTest, its report then complete in `report`. */
function runHypium(testsuite: () => void, report: HypiumReport): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`hypium did not finish within ${RUN_TIMEOUT_MS} ms`)),
      RUN_TIMEOUT_MS,
    );
    // The members of AbilityDelegator that hypium calls (OhReport, SysTestKit.print).
    const delegator = {
      printSync(message: string): void {
        report.add(message);
      },
      finishTest(_message: string, _code: number, callback: () => void): void {
        clearTimeout(timer);
        callback();
        resolve();
      },
    };
    const args = {
      bundleName: BUNDLE_NAME,
      parameters: parameters(),
      testCaseNames: '',
      testRunnerClassName: 'OpenHarmonyTestRunner',
    };
    Hypium.hypiumTest(delegator, args, testsuite);
  });
}

/** Silences hypium's console chatter (every report block, every stack) for the duration of `run`. */
async function quietly<T>(run: () => Promise<T>): Promise<T> {
  const { info, log, debug, error } = console;
  console.info = console.log = console.debug = () => {};
  console.error = (...args: unknown[]) => {
    if (!(typeof args[0] === 'string' && args[0].startsWith('[Hypium]'))) error(...args);
  };
  try {
    return await run();
  } finally {
    Object.assign(console, { info, log, debug, error });
  }
}

/**
 * What must be back to zero once every upload has ended; polled briefly, as sockets close asynchronously.
 * (Not the server's sockets: a server that reads slowly sees an aborted client only once it has drained
 * what the kernel had already buffered, seconds later, as on a real network.)
 */
async function leftBehind(counts: () => Record<string, number>): Promise<string[]> {
  let left: string[] = [];
  for (let attempt = 0; attempt < 20; attempt++) {
    left = Object.entries(counts())
      .filter(([, n]) => n !== 0)
      .map(([what, n]) => `${n} ${what}`);
    if (left.length === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return left;
}

async function main(): Promise<number> {
  const setTestEnvironment = await compiledFunction<(env: TestEnvironment) => void>(
    join(TEST_DIR, 'support/TestEnvironment.js'),
    'setTestEnvironment',
  );
  const testsuite = await compiledFunction<() => void>(join(TEST_DIR, 'test/List.test.js'), 'default');
  const uploadStats = await compiledFunction<() => { live: number }>(
    join(BUILD, 'harmony-upload-task.js'),
    'uploadStats',
  );

  const crashes: string[] = [];
  const onCrash = (err: unknown): void => {
    crashes.push(err instanceof Error ? (err.stack ?? err.message) : String(err));
  };
  process.on('unhandledRejection', onCrash);
  process.on('uncaughtException', onCrash);

  const server = await startUploadServer();
  const sandbox = getSandbox();
  const context = sandbox.createContext();
  let seed = 0;
  setTestEnvironment({
    uploadUrl: server.uploadUrl,
    context,
    async makeFile(name: string, size: number): Promise<TestFile> {
      const path = `${context.cacheDir}/${name}`;
      return { path, size, sha256: await sandbox.writeFile(path, { size, seed: ++seed }) };
    },
  });

  const report = new HypiumReport();
  let failures = 0;
  try {
    await quietly(() => runHypium(testsuite, report));
  } catch (err) {
    onCrash(err);
  }
  const left = await leftBehind(() => {
    const emulation = emulationStats();
    return {
      'unfinished uploads': uploadStats().live,
      'platform tasks': emulation.agentTasks + emulation.uploadTasks,
      'platform listeners': emulation.listeners,
      'client sockets': emulation.openSockets,
    };
  });
  for (const result of report.cases) {
    const mark = result.code === 0 ? 'ok  ' : result.code === -2 ? 'FAIL' : 'ERR ';
    console.log(`${mark} ${result.suite} > ${result.name} (${result.ms} ms)`);
    if (result.code !== 0) {
      failures++;
      console.log(`       ${result.message.split('\n').join('\n       ')}`);
    }
  }
  const summary = report.summary;
  const notRun = summary ? summary.ignore : 0;
  if (!summary) crashes.push('hypium gave no summary');
  if (summary && summary.run === 0) crashes.push('no test case ran');
  for (const crash of crashes) console.log(`ERR  ${crash}`);
  if (left.length > 0) console.log(`ERR  left behind after the suites: ${left.join(', ')}`);

  const passed = report.cases.filter((result) => result.code === 0).length;
  const failed = failures + notRun + crashes.length + (left.length > 0 ? 1 : 0);
  console.log(`\n${passed} passed, ${failed} failed${notRun ? ` (${notRun} not run)` : ''}`);

  // Ends what a timed-out case may have left running, silently: it has been reported above.
  console.error = () => {};
  await resetEmulation();
  await server.close();
  return failed === 0 ? 0 : 1;
}

// exit(), not exitCode: a case that timed out can leave timers behind that would keep Node running.
process.exit(await main());
