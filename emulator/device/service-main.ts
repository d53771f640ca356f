/**
 * The request service of an emulated device, as a process of its own (started by emulator/device.ts).
 */
import type { DeviceToService, ServiceToDevice } from './protocol';

function toDevice(message: ServiceToDevice): void {
  process.send?.(message);
}

process.on('message', (raw: unknown) => {
  const message = raw as DeviceToService;
  void message;
});
toDevice({ kind: 'svc:ready' });
