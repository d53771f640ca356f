/**
 * The emulated device that the ArkTS target and the bridge's native side run on, with its upload server,
 * for a describe block or a test file: started in beforeAll, stopped in afterAll.
 */
import type { common } from '@kit.AbilityKit';
import { readFileSync } from 'node:fs';
import { BACKGROUND_DIR } from '../../src/arkts/background-store';
import { COPY_DIR } from '../../src/arkts/staging';
import { configureEmulation, emulationStats, resetEmulation } from '../../emulator/control';
import { APPLICATION_DIRS, getSandbox } from '../../emulator/sandbox';
import { startUploadServer } from '../../server/upload-server';
import type { UploadServer } from '../../server/types';

/**
 * A fresh upload server, and the emulation with its platform rules on a shorter clock, so that the tests
 * wait milliseconds where a device waits seconds: progress at most every 100 ms (devices: 1000 ms), and
 * request.uploadFile's own retries after a network failure 20 ms apart (devices: 400 ms).
 */
export async function startEmulatedDevice(): Promise<UploadServer> {
  const server = await startUploadServer();
  configureEmulation({ progressIntervalMs: 100, retryIntervalMs: 20 });
  return server;
}

/** Resets the emulation (its settings, platform tasks, sockets and open files) and closes the server. */
export async function stopEmulatedDevice(server: UploadServer | undefined): Promise<void> {
  await resetEmulation();
  await server?.close();
}

/** Entries in the app's record of background uploads (none when there is no record). */
function backgroundEntries(): number {
  const real = getSandbox().realPath(`${APPLICATION_DIRS.filesDir}/${BACKGROUND_DIR}/uploads.json`);
  try {
    return (JSON.parse(readFileSync(real ?? '', 'utf8')) as { uploads: unknown[] }).uploads.length;
  } catch {
    return 0;
  }
}

/**
 * What the device holds that must be back at zero when no upload runs: platform tasks, requests and
 * listeners, sockets on both ends, the library's temporary copies in this context's cacheDir, open files,
 * and of background uploads, the record's entries and the copies of user files.
 */
export function deviceLeaks(server: UploadServer, context: common.Context): Record<string, number> {
  const e = emulationStats();
  return {
    agentTasks: e.agentTasks,
    uploadFileTasks: e.uploadTasks,
    httpRequests: e.httpRequests,
    httpTransfers: e.httpTransfers,
    platformListeners: e.listeners,
    clientSockets: e.openSockets,
    serverSockets: server.openSockets(),
    cacheCopies: getSandbox().list(`${context.cacheDir}/${COPY_DIR}`).length,
    backgroundEntries: backgroundEntries(),
    backgroundCopies: getSandbox().list(`${APPLICATION_DIRS.filesDir}/${BACKGROUND_DIR}/copies`).length,
    openFiles: e.openFiles,
  };
}
