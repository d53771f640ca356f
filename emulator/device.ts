/**
 * An emulated device for tests and the demo, in the test's own process: a directory that holds the app's
 * sandbox and the request service's task store, the request service as a Node process of its own, and app
 * processes launched from TypeScript scripts that can be sent to the background, suspended and killed.
 *
 * - `launchApp(script)` runs the script under tsx with the emulator's resolve hook (so it imports
 *   `@kit.BasicServicesKit` and the rest as on a device), with the device's sandbox: every launch is the
 *   same app, with the same files. The script imports `emulator/device/app-runtime.ts` for its context and
 *   a message channel to the test.
 * - `request.agent` in an app process talks to the device's request service process: its tasks survive the
 *   app's death (a BACKGROUND upload goes on), and a new app process finds them with
 *   `getTask`/`show`/`touch`/`search`.
 * - `setState('background')` calls the app's `applicationStateChange` callbacks, starts the request
 *   service's 60 s rule for FOREGROUND tasks, and suspends the process (SIGSTOP) a few seconds later;
 *   `setState('foreground')` resumes it (SIGCONT).
 * - Every platform duration (the 60 s rule, the suspension delay) is multiplied by `timeScale`.
 *
 * docs/platform/app-lifecycle.md has the rules and their sources; emulator/README.md, "Devices", the use.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NetworkState } from './app-state';
import {
  DEVICE_DIR_ENV,
  deviceMediaRoot,
  deviceSandboxRoot,
  NETWORK_ENV,
  PROGRESS_INTERVAL_ENV,
  serviceStorePath,
  TIME_SCALE_ENV,
} from './device/env';
import type { AppToDevice, DeviceToApp, DeviceToService, ServiceToDevice } from './device/protocol';
import { readStoreFile, type StoredTask } from './device/store';
import type { SandboxContent } from './sandbox';
import { writeContent } from './sandbox';
import { addDeviceUserFile, type UserFile, type UserFileSpec } from './media-library';

export type { NetworkState } from './app-state';
export type { UserFile, UserFileSpec } from './media-library';

export interface DeviceOptions {
  /**
   * Multiplies every duration of a platform rule: the FOREGROUND 60 s rule, the suspension a few seconds
   * after the app goes to the background. 1 (default) is a device; 0.001 makes 60 s last 60 ms.
   */
  timeScale?: number;
  /** Minimum time between two progress events of a task (default 1000, as on a device). Not scaled. */
  progressIntervalMs?: number;
  /** The network at start (default Wi-Fi). */
  network?: NetworkState;
}

/**
 * What the request service's store holds of a task (for assertions): its stored fields (state, reason, url,
 * files, index, processed, sizes, tries, attempts, ctime, mtime: see StoredTask), with the mode and state
 * by name and the token reduced to whether there is one.
 */
export type ServiceTaskSummary = Omit<
  StoredTask,
  'token' | 'mode' | 'config' | 'cacheDir' | 'bodyFiles' | 'headers' | 'info'
> & {
  /** 'background' or 'foreground' (`Config.mode`). */
  mode: 'background' | 'foreground';
  /** The name of `state`: 'WAITING', 'RUNNING', 'COMPLETED', ... */
  stateName: string;
  /** Whether the task was created with a token. */
  hasToken: boolean;
};

export interface Device {
  /** The device's directory (the sandbox, the media library and the service's store), removed by `stop()`. */
  readonly dir: string;
  /** The real directory that stands for `/` of the app (`/data/storage/...` is under it). */
  readonly sandboxRoot: string;
  /**
   * Starts `script` (a TypeScript file; relative paths from the repository root) as this device's app,
   * in the foreground: a Node process under tsx with the emulator's resolve hook; `args` are its argv.
   */
  launchApp(script: string, args?: string[]): AppProcess;
  /** Changes the network: for the request service (its network rules) and for `@ohos.net.http` in apps. */
  setNetwork(state: NetworkState): void;
  /** The network now. */
  readonly network: NetworkState;
  /** What the service's store holds, in creation order. */
  serviceTasks(): Promise<ServiceTaskSummary[]>;
  /** Resolves when the service's store shows a task for which `predicate` holds (checked at each store write). */
  waitForServiceTask(predicate: (task: ServiceTaskSummary) => boolean): Promise<ServiceTaskSummary>;
  /** Writes a file into the app's sandbox (a `/data/storage/...` path); resolves with its sha256. */
  writeFile(virtualPath: string, content: SandboxContent): Promise<string>;
  /** The real path of a sandbox path, or undefined outside the app's storage areas. */
  realPath(virtualPath: string): string | undefined;
  /** Names in a sandbox directory, sorted ([] when it does not exist). */
  list(virtualDir: string): string[];
  /** Puts a user file in the media library, readable by app processes as `fileIo.open(uri)` and FOREGROUND uploads. */
  addUserFile(spec: UserFileSpec): Promise<UserFile>;
  /**
   * Kills the request service (SIGKILL) and starts it again: it makes the tasks of its store again; those
   * that ran or waited are rescheduled 10 s (scaled) later, from their current file, from byte 0. App
   * processes subscribe again to the tasks they hold; events in between are lost.
   */
  restartService(): Promise<void>;
  /** Kills every app and the request service, and removes the directory. */
  stop(): Promise<void>;
}

export type AppStateName = 'foreground' | 'background';

export interface AppProcess {
  readonly pid: number;
  /** Every message of the app (`appRuntime.send`), in order, from the first (also those `next()` took). */
  readonly messages: AsyncIterable<unknown>;
  /**
   * The first message not yet taken by `next()` for which `predicate` holds (any, without one); waits for
   * it. Rejects if the process ends first. Messages it skips stay for later calls.
   */
  next(predicate?: (message: unknown) => boolean): Promise<unknown>;
  /** Sends a message to the app (`appRuntime.onMessage`). */
  send(message: unknown): void;
  /**
   * 'background': the app's `onApplicationBackground` callbacks run, the service's 60 s rule starts for its
   * FOREGROUND tasks, and the process is suspended (SIGSTOP) after the scaled suspension delay.
   * 'foreground': the process is resumed (SIGCONT) at once, the callbacks run, the 60 s rule is cancelled.
   */
  setState(state: AppStateName): void;
  /** 'foreground', 'background', 'suspended' (stopped by the device) or 'dead'. */
  readonly state: AppStateName | 'suspended' | 'dead';
  /** Resolves when the device suspends the process (SIGSTOP) after it went to the background. */
  suspended(): Promise<void>;
  /** SIGKILL; resolves when the process is gone. */
  kill(): Promise<void>;
  /** The exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
}

/**
 * How long after going to the background the system suspends an app process: "6~12 s" of running time
 * (openharmony/docs `task-management/background-task-overview.md`); the emulation takes the short end.
 */
export const SUSPEND_AFTER_MS = 6000;

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REGISTER = join(REPO_ROOT, 'emulator', 'node-register.mjs');
const SERVICE_MAIN = join(REPO_ROOT, 'emulator', 'device', 'service-main.ts');

export async function startDevice(options: DeviceOptions = {}): Promise<Device> {
  const timeScale = options.timeScale ?? 1;
  if (!Number.isFinite(timeScale) || timeScale <= 0) throw new RangeError(`timeScale must be > 0, got ${timeScale}`);
  const progressIntervalMs = options.progressIntervalMs ?? 1000;
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'ohos-device-')));
  mkdirSync(deviceSandboxRoot(dir), { recursive: true });
  mkdirSync(deviceMediaRoot(dir), { recursive: true });
  mkdirSync(dirname(serviceStorePath(dir)), { recursive: true });
  const device = new EmulatedDevice(dir, timeScale, progressIntervalMs, options.network ?? { type: 'wifi' });
  await device.startService();
  return device;
}

class EmulatedDevice implements Device {
  readonly sandboxRoot: string;
  private readonly apps = new Set<App>();
  private service: ChildProcess | undefined;
  private serviceExit: Promise<void> = Promise.resolve();
  private current: NetworkState;
  private stopped = false;
  /** The app's state as last told to the service. */
  private top: AppStateName | 'terminated' = 'terminated';
  private readonly storeWaiters = new Set<() => void>();

  constructor(
    readonly dir: string,
    readonly timeScale: number,
    readonly progressIntervalMs: number,
    network: NetworkState,
  ) {
    this.sandboxRoot = deviceSandboxRoot(dir);
    this.current = { ...network };
  }

  get network(): NetworkState {
    return { ...this.current };
  }

  async startService(): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', REGISTER, SERVICE_MAIN], {
      cwd: REPO_ROOT,
      env: this.childEnv(),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.service = child;
    this.serviceExit = new Promise((resolve) => child.once('exit', () => resolve()));
    child.on('message', (raw: unknown) => {
      const message = raw as ServiceToDevice;
      if (message.kind === 'svc:store') for (const wake of [...this.storeWaiters]) wake();
    });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (raw: unknown): void => {
        if ((raw as ServiceToDevice).kind !== 'svc:ready') return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve();
      };
      const onExit = (code: number | null): void => reject(new Error(`the request service exited (${code}) at start`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
    this.toService({ kind: 'svc:network', network: this.current });
    this.toService({ kind: 'svc:app-state', state: this.top });
  }

  async restartService(): Promise<void> {
    if (this.stopped) throw new Error('the device is stopped');
    this.service?.kill('SIGKILL');
    await this.serviceExit;
    await this.startService();
    for (const app of this.apps) app.toApp({ kind: 'emu:service-up' });
  }

  launchApp(script: string, args: string[] = []): AppProcess {
    if (this.stopped) throw new Error('the device is stopped');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--import', REGISTER, resolve(REPO_ROOT, script), ...args],
      {
        cwd: REPO_ROOT,
        env: this.childEnv(),
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    const app = new App(child, this);
    this.apps.add(app);
    void app.exited.then(() => {
      this.apps.delete(app);
      this.appGone();
    });
    // A launched app is in the foreground (the user opened it).
    this.appState('foreground');
    return app;
  }

  setNetwork(state: NetworkState): void {
    this.current = { ...state };
    this.toService({ kind: 'svc:network', network: this.network });
    for (const app of this.apps) app.toApp({ kind: 'emu:network', network: this.network });
  }

  async serviceTasks(): Promise<ServiceTaskSummary[]> {
    return readStore(this.dir).map(summaryOf);
  }

  waitForServiceTask(predicate: (task: ServiceTaskSummary) => boolean): Promise<ServiceTaskSummary> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.stopped) {
          this.storeWaiters.delete(check);
          reject(new Error('the device stopped'));
          return;
        }
        const found = readStore(this.dir).map(summaryOf).find(predicate);
        if (found === undefined) return;
        this.storeWaiters.delete(check);
        resolve(found);
      };
      this.storeWaiters.add(check);
      check();
    });
  }

  writeFile(virtualPath: string, content: SandboxContent): Promise<string> {
    const real = this.realPath(virtualPath);
    if (real === undefined) return Promise.reject(new Error(`not a path of the app sandbox: ${virtualPath}`));
    return writeContent(real, content);
  }

  realPath(virtualPath: string): string | undefined {
    return sandboxRealPath(this.sandboxRoot, virtualPath);
  }

  list(virtualDir: string): string[] {
    const real = this.realPath(virtualDir);
    if (real === undefined || !existsSync(real)) return [];
    return readdirSorted(real);
  }

  addUserFile(spec: UserFileSpec): Promise<UserFile> {
    return addDeviceUserFile(deviceMediaRoot(this.dir), spec);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const wake of [...this.storeWaiters]) wake();
    await Promise.all([...this.apps].map((app) => app.kill()));
    this.service?.kill('SIGKILL');
    await this.serviceExit;
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Tells the service the app's state (the 60 s rule of FOREGROUND tasks). */
  appState(state: AppStateName | 'terminated'): void {
    this.top = state;
    this.toService({ kind: 'svc:app-state', state });
  }

  private appGone(): void {
    // No process of the app left: for the service the app is no longer in the foreground (its FOREGROUND
    // tasks get the 60 s rule, as when the user swipes the app away).
    if (this.apps.size === 0 && !this.stopped) this.appState('terminated');
  }

  private toService(message: DeviceToService): void {
    if (this.service?.connected) this.service.send(message);
  }

  private childEnv(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      [DEVICE_DIR_ENV]: this.dir,
      [TIME_SCALE_ENV]: String(this.timeScale),
      [PROGRESS_INTERVAL_ENV]: String(this.progressIntervalMs),
      [NETWORK_ENV]: JSON.stringify(this.current),
    };
  }
}

class App implements AppProcess {
  readonly pid: number;
  readonly exited: Promise<number | null>;
  private readonly received: unknown[] = [];
  private readonly taken = new Set<number>();
  private readonly waiters = new Set<() => void>();
  private appState: AppStateName | 'suspended' | 'dead' = 'foreground';
  private suspendTimer: NodeJS.Timeout | undefined;
  private readonly suspendWaiters: Array<() => void> = [];

  constructor(
    private readonly child: ChildProcess,
    private readonly device: EmulatedDevice,
  ) {
    if (child.pid === undefined) throw new Error('the app process did not start');
    this.pid = child.pid;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code) => {
        this.appState = 'dead';
        if (this.suspendTimer !== undefined) clearTimeout(this.suspendTimer);
        for (const wake of [...this.waiters]) wake();
        resolve(code);
      });
    });
    child.on('message', (raw: unknown) => {
      const message = raw as AppToDevice;
      if (message.kind !== 'emu:message') return;
      this.received.push(message.body);
      for (const wake of [...this.waiters]) wake();
    });
  }

  get state(): AppStateName | 'suspended' | 'dead' {
    return this.appState;
  }

  get messages(): AsyncIterable<unknown> {
    const app = this;
    return {
      async *[Symbol.asyncIterator]() {
        for (let at = 0; ; at++) {
          while (at >= app.received.length) {
            if (app.appState === 'dead') return;
            await app.changed();
          }
          yield app.received[at];
        }
      },
    };
  }

  async next(predicate: (message: unknown) => boolean = () => true): Promise<unknown> {
    for (;;) {
      for (let at = 0; at < this.received.length; at++) {
        if (this.taken.has(at) || !predicate(this.received[at])) continue;
        this.taken.add(at);
        return this.received[at];
      }
      if (this.appState === 'dead') {
        throw new Error(
          `app process ${this.pid} ended before the message awaited (last: ${JSON.stringify(this.received.at(-1))})`,
        );
      }
      await this.changed();
    }
  }

  send(message: unknown): void {
    this.toApp({ kind: 'emu:message', body: message });
  }

  setState(state: AppStateName): void {
    if (this.appState === 'dead') throw new Error(`app process ${this.pid} is dead`);
    if (state === 'foreground') {
      if (this.suspendTimer !== undefined) clearTimeout(this.suspendTimer);
      this.suspendTimer = undefined;
      if (this.appState === 'suspended') this.child.kill('SIGCONT');
      if (this.appState !== 'foreground') {
        this.appState = 'foreground';
        this.device.appState('foreground');
        this.toApp({ kind: 'emu:state', state: 'foreground' });
      }
      return;
    }
    if (this.appState !== 'foreground') return;
    this.appState = 'background';
    this.toApp({ kind: 'emu:state', state: 'background' });
    this.device.appState('background');
    this.suspendTimer = setTimeout(() => {
      this.suspendTimer = undefined;
      if (this.appState !== 'background') return;
      this.appState = 'suspended';
      this.child.kill('SIGSTOP');
      for (const wake of this.suspendWaiters.splice(0)) wake();
    }, SUSPEND_AFTER_MS * this.device.timeScale);
  }

  suspended(): Promise<void> {
    if (this.appState === 'suspended') return Promise.resolve();
    return new Promise((resolve) => this.suspendWaiters.push(resolve));
  }

  async kill(): Promise<void> {
    if (this.appState !== 'dead') this.child.kill('SIGKILL');
    await this.exited;
  }

  toApp(message: DeviceToApp): void {
    if (this.child.connected) this.child.send(message);
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        this.waiters.delete(wake);
        resolve();
      };
      this.waiters.add(wake);
    });
  }
}

function readStore(dir: string): StoredTask[] {
  return readStoreFile(serviceStorePath(dir));
}

const STATE_NAMES: Record<number, string> = {
  0: 'INITIALIZED',
  16: 'WAITING',
  32: 'RUNNING',
  33: 'RETRYING',
  48: 'PAUSED',
  49: 'STOPPED',
  64: 'COMPLETED',
  65: 'FAILED',
  80: 'REMOVED',
};

function summaryOf(task: StoredTask): ServiceTaskSummary {
  return {
    tid: task.tid,
    mode: task.mode === 1 ? 'foreground' : 'background',
    state: task.state,
    stateName: STATE_NAMES[task.state] ?? String(task.state),
    reason: task.reason,
    url: task.url,
    files: [...task.files],
    index: task.index,
    processed: [...task.processed],
    sizes: [...task.sizes],
    tries: task.tries,
    attempts: task.attempts,
    hasToken: task.token !== 'null',
    ctime: task.ctime,
    mtime: task.mtime,
  };
}

function sandboxRealPath(root: string, virtualPath: string): string | undefined {
  const normal = virtualPath.replace(/^file:\/\/[^/]+/, '');
  if (!/^\/data\/storage\/el[12]\/base(\/|$)/.test(normal)) return undefined;
  const parts = normal.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) return undefined;
  return join(root, ...parts);
}

function readdirSorted(real: string): string[] {
  return readdirSync(real).sort();
}
