/**
 * The test's side of test/arkts/apps/background-app.ts: an app process on an emulated device, driven by
 * messages, whose uploads' events are gathered per key as recordings (read with test/contract/recording.ts).
 */
import type { AppProcess, Device } from '../../emulator/device';
import type { ArkTsSettings } from '../../src/arkts/types';
import type { UploadFileOptions } from '../../src/core/types';
import type { RecordedEvent } from '../contract/driver';

export const APP_SCRIPT = 'test/arkts/apps/background-app.ts';

export interface RestoredInfo {
  id: string;
  url: string;
  filePath: string;
  name: string;
  tag?: string;
}

type Message =
  | { type: 'ready' }
  | { type: 'restored'; tasks: RestoredInfo[] }
  | { type: 'event'; key: string; event: RecordedEvent }
  | { type: 'error'; message: string };

export class DeviceApp {
  private readonly events = new Map<string, RecordedEvent[]>();
  private readonly waiters = new Set<() => void>();
  readonly errors: string[] = [];

  private constructor(readonly process: AppProcess) {
    void this.read();
  }

  /** Launches the app and waits until it is ready; `settings` go to its configure(). */
  static async launch(device: Device, settings: ArkTsSettings = {}): Promise<DeviceApp> {
    const app = new DeviceApp(device.launchApp(APP_SCRIPT));
    await app.process.next((m) => (m as Message).type === 'ready');
    app.process.send({ cmd: 'configure', settings });
    return app;
  }

  private async read(): Promise<void> {
    for await (const raw of this.process.messages) {
      const m = raw as Message;
      if (m.type === 'event') {
        const list = this.events.get(m.key) ?? [];
        list.push(m.event);
        this.events.set(m.key, list);
      } else if (m.type === 'error') this.errors.push(m.message);
      for (const wake of [...this.waiters]) wake();
    }
    for (const wake of [...this.waiters]) wake();
  }

  upload(key: string, options: Omit<UploadFileOptions, 'success' | 'fail' | 'complete'>): void {
    this.process.send({ cmd: 'upload', key, options });
  }

  async restore(): Promise<RestoredInfo[]> {
    this.process.send({ cmd: 'restore' });
    const m = (await this.process.next((x) => {
      const t = (x as Message).type;
      return t === 'restored' || t === 'error';
    })) as Message;
    if (m.type !== 'restored') throw new Error(`restoreUploads failed: ${JSON.stringify(m)}`);
    return m.tasks;
  }

  abort(key: string): void {
    this.process.send({ cmd: 'abort', key });
  }

  /** What the user saw of the upload `key` so far, as a recording. */
  recording(key: string): { events: RecordedEvent[] } {
    return { events: [...(this.events.get(key) ?? [])] };
  }

  /** Waits until the user's events of `key` satisfy `predicate` (or the process ends: then it throws). */
  async until(key: string, predicate: (events: RecordedEvent[]) => boolean): Promise<{ events: RecordedEvent[] }> {
    for (;;) {
      const events = this.events.get(key) ?? [];
      if (predicate(events)) return this.recording(key);
      if (this.process.state === 'dead') throw new Error(`the app died; ${key} saw ${JSON.stringify(events)}`);
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          this.waiters.delete(wake);
          resolve();
        };
        this.waiters.add(wake);
        void this.process.exited.then(wake);
      });
    }
  }

  /** Waits for the progress of `key` to reach `percent`. */
  atPercent(key: string, percent: number): Promise<{ events: RecordedEvent[] }> {
    return this.until(key, (events) => events.some((e) => e.kind === 'progress' && e.progress >= percent));
  }

  /** Waits for the upload's promise to settle (the last event a user sees). */
  settled(key: string): Promise<{ events: RecordedEvent[] }> {
    return this.until(key, (events) => events.some((e) => e.kind === 'resolved' || e.kind === 'rejected'));
  }
}
