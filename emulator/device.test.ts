import { afterEach, describe, expect, it } from 'vitest';
import { type Device, startDevice } from './device';

let device: Device | undefined;
afterEach(async () => {
  await device?.stop();
  device = undefined;
});

describe('emulated device: app processes', () => {
  it('launches an app script with the sandbox context and a message channel both ways', async () => {
    device = await startDevice({ timeScale: 0.001 });
    const app = device.launchApp('emulator/device/test-apps/echo-app.ts');
    expect(await app.next()).toEqual({
      type: 'ready',
      cacheDir: '/data/storage/el2/base/haps/entry/cache',
      pid: app.pid,
    });
    app.send({ hello: 1 });
    expect(await app.next()).toEqual({ type: 'echo', message: { hello: 1 } });
    app.setState('background');
    expect(await app.next()).toEqual({ type: 'state', state: 'background' });
    await app.suspended();
    expect(app.state).toBe('suspended');
    app.setState('foreground');
    expect(await app.next()).toEqual({ type: 'state', state: 'foreground' });
    app.send('exit');
    expect(await app.exited).toBe(3);
  });
});
