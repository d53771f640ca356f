/**
 * The emulated device that the ArkTS target and the bridge's native side run on, with its upload server,
 * for a describe block or a test file: started in beforeAll, stopped in afterAll.
 */
import { configureEmulation, resetEmulation } from '../../emulator/control';
import { startUploadServer } from '../../server/upload-server';
import type { UploadServer } from '../../server/types';

/** A fresh upload server, and the emulation with progress every 100 ms (devices: 1000 ms; shorter is faster). */
export async function startEmulatedDevice(): Promise<UploadServer> {
  const server = await startUploadServer();
  configureEmulation({ progressIntervalMs: 100 });
  return server;
}

/** Resets the emulation (its settings, platform tasks, sockets and open files) and closes the server. */
export async function stopEmulatedDevice(server: UploadServer | undefined): Promise<void> {
  await resetEmulation();
  await server?.close();
}
