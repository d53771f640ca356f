/**
 * The request service's scheduling rules for `request.agent` tasks: when a task may run, and what the app's
 * state and the device's network do to tasks that run or wait. docs/platform/app-lifecycle.md and
 * docs/platform/ohos.request.md ("Network and app state") give the rules with their sources:
 *
 * - Admission (`check_config_satisfy`, request_request `services/src/manage/scheduler/mod.rs`; `satisfy_network`
 *   and `satisfy_foreground`, `services/src/task/config.rs`): a task started while the network does not
 *   suit it waits (WAITING, reason 7 offline or 8 type); a FOREGROUND task started while its app is not in
 *   the foreground waits (reason 6).
 * - The app leaves the foreground: after 60 s (`update_background`, `services/src/manage/scheduler/state/mod.rs`)
 *   its FOREGROUND uploads that run fail, reason 6 "The app is background or terminate"
 *   (`app_state_unavailable`, `state/sql.rs`); back in the foreground first, the timer is cancelled, and
 *   FOREGROUND tasks that waited for the app run (`app_state_available`). BACKGROUND tasks are never touched.
 * - The network changes (`network_offline`, `network_unavailable`, `network_available`, `state/sql.rs`): a
 *   running task the new network does not suit waits if it is BACKGROUND with `retry`, else fails; waiting
 *   tasks the network suits again run, their current file from byte 0.
 *
 * Durations are multiplied by the `timeScale` setting.
 */
import { currentAppState, currentNetwork, type NetworkState, watchAppState, watchNetwork } from '../app-state';
import { Mode, Network } from './agent-enums';
import { REASONS, type Reason } from './reasons';
import { settings } from '../state';

/** What the scheduler needs of a task. */
export interface SchedulableTask {
  readonly mode: number;
  /** `Config.network`: Network.ANY, WIFI or CELLULAR. */
  readonly network: number;
  readonly metered: boolean;
  readonly roaming: boolean;
  /** BACKGROUND with `retry`: parked (WAITING) instead of failed by a network that does not suit it. */
  readonly mayWait: boolean;
  /** RUNNING or RETRYING. */
  isRunning(): boolean;
  /** WAITING, and why. */
  waitingReason(): Reason | undefined;
  /** Stops the transfer and waits (WAITING, `reason`), keeping the files sent so far. */
  park(reason: Reason): void;
  /** Stops the transfer and fails (FAILED, `reason`). */
  fail(reason: Reason): void;
  /** A waiting task whose reason changes but which goes on waiting. */
  rewait(reason: Reason): void;
  /** Runs a waiting task if it may run now (else it waits with the reason `admission` gives). */
  reschedule(): void;
}

/** The background rule's delay: 60 s (`Duration::from_secs(60)`, scheduler/state/mod.rs `update_background`). */
export const BACKGROUND_TIMEOUT_MS = 60_000;

const tasks = new Set<SchedulableTask>();
let backgroundTimer: NodeJS.Timeout | undefined;
let network: NetworkState = currentNetwork();

export function registerTask(task: SchedulableTask): void {
  tasks.add(task);
}

export function unregisterTask(task: SchedulableTask): void {
  tasks.delete(task);
}

/** Why `task` may not run now, or undefined when it may (`check_config_satisfy`). */
export function admission(task: SchedulableTask): Reason | undefined {
  const reason = networkUnsuited(task, network);
  if (reason !== undefined) return reason;
  if (task.mode === Mode.FOREGROUND && currentAppState() !== 'foreground') return REASONS.APP_BACKGROUND_OR_TERMINATE;
  return undefined;
}

/**
 * `satisfy_network`: offline never suits; ANY suits any network; WIFI does not suit cellular; otherwise a
 * metered network (cellular) needs `metered`, a roaming one needs `roaming`. (A CELLULAR task on Wi-Fi runs:
 * "NetworkConfig::Cellular with NetworkType::Wifi is allowed".)
 */
function networkUnsuited(task: SchedulableTask, state: NetworkState): Reason | undefined {
  if (state.type === 'none') return REASONS.NETWORK_OFFLINE;
  if (task.network === Network.ANY) return undefined;
  if (task.network === Network.WIFI && state.type === 'cellular') return REASONS.UNSUPPORTED_NETWORK_TYPE;
  const metered = state.type === 'cellular';
  const roaming = state.type === 'cellular' && state.roaming === true;
  if ((task.roaming || !roaming) && (task.metered || !metered)) return undefined;
  return REASONS.UNSUPPORTED_NETWORK_TYPE;
}

function onAppState(state: 'foreground' | 'background'): void {
  if (state === 'foreground') {
    if (backgroundTimer !== undefined) clearTimeout(backgroundTimer);
    backgroundTimer = undefined;
    // `app_state_available`: tasks that waited for the app may run; NETWORK_APP waits for the network only.
    for (const task of [...tasks]) {
      const waiting = task.waitingReason();
      if (waiting === REASONS.APP_BACKGROUND_OR_TERMINATE) task.reschedule();
      else if (waiting === REASONS.NETWORK_APP) task.rewait(REASONS.NETWORK_OFFLINE);
    }
    return;
  }
  if (backgroundTimer !== undefined) return;
  backgroundTimer = setTimeout(() => {
    backgroundTimer = undefined;
    appStateUnavailable();
  }, BACKGROUND_TIMEOUT_MS * settings.timeScale);
  backgroundTimer.unref();
}

/** `app_state_unavailable` for the app's FOREGROUND tasks: running uploads fail; waiting ones say why. */
function appStateUnavailable(): void {
  for (const task of [...tasks]) {
    if (task.mode !== Mode.FOREGROUND) continue;
    if (task.isRunning()) {
      task.fail(REASONS.APP_BACKGROUND_OR_TERMINATE);
      continue;
    }
    const waiting = task.waitingReason();
    if (waiting === REASONS.RUNNING_TASK_MEET_LIMITS) task.rewait(REASONS.APP_BACKGROUND_OR_TERMINATE);
    else if (waiting === REASONS.NETWORK_OFFLINE || waiting === REASONS.UNSUPPORTED_NETWORK_TYPE) {
      task.rewait(REASONS.NETWORK_APP);
    }
  }
}

function onNetwork(next: NetworkState): void {
  const previous = network;
  network = { type: next.type, roaming: next.type === 'cellular' && next.roaming === true };
  if (previous.type === network.type && previous.roaming === network.roaming) return;
  if (network.type === 'none') {
    // `network_offline`: every running task.
    for (const task of [...tasks]) {
      if (!task.isRunning()) continue;
      if (task.mayWait) task.park(REASONS.NETWORK_OFFLINE);
      else task.fail(REASONS.NETWORK_OFFLINE);
    }
    return;
  }
  // `network_unavailable`, then `network_available` (the SqlList pops them in this order).
  const type = network.type === 'wifi' ? Network.WIFI : Network.CELLULAR;
  const metered = network.type === 'cellular';
  const roaming = network.roaming === true;
  for (const task of [...tasks]) {
    if (!task.isRunning()) continue;
    // The condition of the SQL: `network != <type> OR metered = 0 (when metered) OR roaming = 0 (when
    // roaming)`. A task of Network.ANY is `network = 0`, so it matches too: it stops and, just below, is
    // made runnable again (its current file restarts from byte 0).
    const unsuited = task.network !== type || (metered && !task.metered) || (roaming && !task.roaming);
    if (!unsuited) continue;
    if (task.mayWait) task.park(REASONS.UNSUPPORTED_NETWORK_TYPE);
    else task.fail(REASONS.UNSUPPORTED_NETWORK_TYPE);
  }
  for (const task of [...tasks]) {
    const waiting = task.waitingReason();
    if (waiting === undefined) continue;
    // `WHERE state = WAITING AND (network = 0 OR network = <type> AND metered = 1 AND roaming = 1)`, the
    // metered/roaming terms only when the network is metered/roaming (AND binds before OR).
    const suits =
      task.network === Network.ANY ||
      (task.network === type && (!metered || task.metered) && (!roaming || task.roaming));
    if (!suits) continue;
    if (waiting === REASONS.NETWORK_OFFLINE || waiting === REASONS.UNSUPPORTED_NETWORK_TYPE) task.reschedule();
    else if (waiting === REASONS.NETWORK_APP) task.rewait(REASONS.APP_BACKGROUND_OR_TERMINATE);
  }
}

watchAppState(onAppState);
watchNetwork(onNetwork);

/** `resetEmulation()`: no timer, the network of the app-state module. */
export function resetScheduler(): void {
  if (backgroundTimer !== undefined) clearTimeout(backgroundTimer);
  backgroundTimer = undefined;
  tasks.clear();
  network = currentNetwork();
}
