/**
 * The emulation's controls, its bookkeeping, and that it streams: nothing holds a whole file in memory.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import request from '@ohos.request';
import type { UploadServer } from '../server/types';
import { configureEmulation, emulationStats, resetEmulation, takeListenerErrors } from './control';
import { settings } from './state';
import {
  cacheFile,
  closedRecord,
  context,
  NOTHING_LIVE,
  recordAgent,
  recordLegacy,
  sleep,
  uploadUrl,
  withServer,
} from './test-helpers';

let server: UploadServer;

beforeAll(async () => {
  server = await withServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  await resetEmulation();
});

describe('configureEmulation / resetEmulation', () => {
  it('sets and restores the settings; the default progress interval is 1000 ms as on devices (§1a)', async () => {
    expect(settings.progressIntervalMs).toBe(1000);
    configureEmulation({ progressIntervalMs: 100 });
    expect(settings.progressIntervalMs).toBe(100);
    expect(() => configureEmulation({ progressIntervalMs: -1 })).toThrow(RangeError);
    configureEmulation({ statusInProtocolError: true });
    expect(settings.statusInProtocolError).toBe(true);
    expect(() => configureEmulation({ statusInProtocolError: 1 as unknown as boolean })).toThrow(TypeError);
    await resetEmulation();
    expect(settings.progressIntervalMs).toBe(1000);
    expect(settings.statusInProtocolError).toBe(false);
  });

  it('resetEmulation destroys running tasks of both APIs: connections closed, no events, counters at zero', async () => {
    await cacheFile('reset-a.bin', { size: 4 * 1024 * 1024, seed: 21 });
    const legacy = await request.uploadFile(context(), {
      url: uploadUrl(server, { id: 'reset-legacy', readBps: 512 * 1024 }),
      header: {},
      method: 'POST',
      files: [{ filename: '', name: 'file', uri: 'internal://cache/reset-a.bin', type: '' }],
      data: [],
    });
    const legacyEvents = recordLegacy(legacy).events;
    const agentTask = await request.agent.create(context(), {
      action: request.agent.Action.UPLOAD,
      url: uploadUrl(server, { id: 'reset-agent', readBps: 512 * 1024 }),
      data: [{ name: 'file', value: { path: 'reset-a.bin' } }],
    });
    const agentEvents = recordAgent(agentTask).events;
    await agentTask.start();
    await server.waitFor((r) => r.id === 'reset-legacy' && r.bytesReceived > 0);
    await server.waitFor((r) => r.id === 'reset-agent' && r.bytesReceived > 0);
    expect(emulationStats()).toMatchObject({ agentTasks: 1, uploadTasks: 1, openSockets: 2 });
    await resetEmulation();
    expect(emulationStats()).toEqual(NOTHING_LIVE);
    expect((await closedRecord(server, 'reset-legacy')).clientAborted).toBe(true);
    expect((await closedRecord(server, 'reset-agent')).clientAborted).toBe(true);
    const counts = [legacyEvents.length, agentEvents.length];
    await sleep(200);
    expect([legacyEvents.length, agentEvents.length]).toEqual(counts);
  });
});

describe('listener dispatch (§1a on/off; js_notify_data_listener.cpp: one notification per JS event)', () => {
  it('a throwing listener is recorded and does not stop the other listeners or the task', async () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await cacheFile('throws.txt', 'throws');
      const task = await request.uploadFile(context(), {
        url: server.uploadUrl,
        header: {},
        method: 'POST',
        files: [{ filename: '', name: 'file', uri: 'internal://cache/throws.txt', type: '' }],
        data: [],
      });
      const boom = new Error('listener bug');
      task.on('headerReceive', () => {
        throw boom;
      });
      const { events, done } = recordLegacy(task);
      expect((await done).type).toBe('complete');
      expect(events.map((e) => e.type)).toEqual(['headerReceive', 'progress', 'complete']);
      expect(takeListenerErrors()).toEqual([boom]);
      expect(takeListenerErrors()).toEqual([]);
    } finally {
      quiet.mockRestore();
    }
  });

  it('registering the same callback twice keeps one registration (the platform listener list ignores duplicates)', async () => {
    await cacheFile('twice.txt', 'twice');
    const task = await request.agent.create(context(), {
      action: request.agent.Action.UPLOAD,
      url: server.uploadUrl,
      data: [{ name: 'file', value: { path: 'twice.txt' } }],
    });
    const calls: number[] = [];
    const onCompleted = (): void => {
      calls.push(1);
    };
    task.on('completed', onCompleted);
    task.on('completed', onCompleted);
    expect(emulationStats().listeners).toBe(1);
    const { done } = recordAgent(task);
    await task.start();
    await done;
    await sleep(10);
    expect(calls).toEqual([1]);
  });
});

describe('streaming: the body is read from the file as the connection takes it (upload.rs TaskReader; a 1 GB file must not be held in memory)', () => {
  it('against a server that stops reading, only a bounded window of a large file is taken from it', async () => {
    configureEmulation({ progressIntervalMs: 50 });
    const size = 96 * 1024 * 1024;
    await cacheFile('huge.bin', { size, seed: 22 });
    const task = await request.agent.create(context(), {
      action: request.agent.Action.UPLOAD,
      url: uploadUrl(server, { id: 'stalled', stallAfter: 0 }),
      data: [{ name: 'file', value: { path: 'huge.bin' } }],
    });
    await task.start();
    await sleep(1500);
    const processed = (await request.agent.show(task.tid)).progress.processed;
    // Socket buffers and the server's bounded drain take a few MB; the rest of the file stays on disk.
    expect(processed).toBeGreaterThan(0);
    expect(processed).toBeLessThan(size / 2);
    await request.agent.remove(task.tid);
    // Closed on our side; the server only learns it by reading (the unsent bytes are still queued before the FIN).
    expect(emulationStats().openSockets).toBe(0);
  });

  it('a 64 MB file arrives intact (sha256) through the streamed multipart body', async () => {
    const sha = await cacheFile('large.bin', { size: 64 * 1024 * 1024, seed: 23 });
    const task = await request.uploadFile(context(), {
      url: uploadUrl(server, { id: 'large' }),
      header: {},
      method: 'POST',
      files: [
        { filename: 'large.bin', name: 'file', uri: 'internal://cache/large.bin', type: 'application/octet-stream' },
      ],
      data: [{ name: 'k', value: 'v' }],
    });
    const heapBefore = process.memoryUsage().heapUsed;
    expect((await recordLegacy(task).done).type).toBe('complete');
    expect(server.byId('large')[0]?.summary?.files[0]).toMatchObject({ size: 64 * 1024 * 1024, sha256: sha });
    // Loose: the JS heap never held the file (chunks live outside the heap and are short-lived).
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(32 * 1024 * 1024);
  });
});
