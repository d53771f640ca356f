/**
 * Helpers of the emulation's own tests: the upload server, files in the sandbox, and event recorders for
 * both upload APIs.
 */
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type request from '@ohos.request';
import { startUploadServer } from '../server/upload-server';
import { type EmulationStats, resetEmulation } from './control';
import type { UploadRecord, UploadServer } from '../server/types';
import { CONTEXT_DIRS, getSandbox } from './sandbox';

export const CACHE_DIR = CONTEXT_DIRS.cacheDir;
export const FILES_DIR = CONTEXT_DIRS.filesDir;

/** emulationStats() when nothing of the emulation is left: no task, request, socket, listener, descriptor or copy. */
export const IDLE_STATS: Readonly<EmulationStats> = Object.freeze({
  agentTasks: 0,
  uploadTasks: 0,
  httpRequests: 0,
  httpTransfers: 0,
  httpBytesInMemory: 0,
  openSockets: 0,
  listeners: 0,
  openFiles: 0,
  copiesRunning: 0,
});

export async function withServer(): Promise<UploadServer> {
  return startUploadServer();
}

/** A test file's upload server, started before its tests and closed after them; the emulation reset after each. */
export function useServer(): { readonly server: UploadServer } {
  const holder = {} as { server: UploadServer };
  beforeAll(async () => {
    holder.server = await withServer();
  });
  afterAll(async () => {
    await holder.server?.close();
  });
  afterEach(async () => {
    await resetEmulation();
  });
  return holder;
}

/** A URL of the upload server with the given fault/behaviour parameters (see server/types.ts). */
export function uploadUrl(server: UploadServer, params: Record<string, string | number>): string {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
  return `${server.uploadUrl}?${query.toString()}`;
}

/** An http URL on which nothing listens (connection refused). */
export async function refusedUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${address.port}/upload`;
}

/**
 * A server that reads each request completely and then closes the connection without answering
 * (what the client sees as a request error after the body was sent).
 */
export async function silentServer(): Promise<{ url: string; requests(): number; close(): Promise<void> }> {
  let requests = 0;
  const server = createServer((socket) => {
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const headEnd = received.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const length = /content-length:\s*(\d+)/i.exec(received.subarray(0, headEnd).toString('latin1'));
      if (received.length >= headEnd + 4 + Number(length?.[1] ?? 0)) {
        requests++;
        socket.end();
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}/upload`,
    requests: () => requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Writes a file in the cache directory; returns its sha256. */
export function cacheFile(name: string, content: string | { size: number; seed?: number }): Promise<string> {
  return getSandbox().writeFile(`${CACHE_DIR}/${name}`, content);
}

export function context(): ReturnType<ReturnType<typeof getSandbox>['createContext']> {
  return getSandbox().createContext();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The BusinessError code of what `run` throws or rejects with. */
export async function errorCode(run: () => unknown): Promise<number | undefined> {
  try {
    await run();
  } catch (error) {
    return typeof error === 'object' && error !== null && 'code' in error
      ? Number((error as { code: unknown }).code)
      : undefined;
  }
  return undefined;
}

export type LegacyEvent =
  | { type: 'progress'; uploaded: number; total: number }
  | { type: 'headerReceive'; header: object }
  | { type: 'complete'; states: request.TaskState[] }
  | { type: 'fail'; states: request.TaskState[] };

/** Records every event of an `uploadFile` task; `done` resolves with the 'complete'/'fail' event. */
export function recordLegacy(task: request.UploadTask): {
  events: LegacyEvent[];
  done: Promise<Extract<LegacyEvent, { type: 'complete' | 'fail' }>>;
} {
  const events: LegacyEvent[] = [];
  const done = new Promise<Extract<LegacyEvent, { type: 'complete' | 'fail' }>>((resolve) => {
    task.on('progress', (uploaded, total) => events.push({ type: 'progress', uploaded, total }));
    task.on('headerReceive', (header) => events.push({ type: 'headerReceive', header }));
    task.on('complete', (states) => {
      const event = { type: 'complete', states } as const;
      events.push(event);
      resolve(event);
    });
    task.on('fail', (states) => {
      const event = { type: 'fail', states } as const;
      events.push(event);
      resolve(event);
    });
  });
  return { events, done };
}

export type AgentEvent =
  | { type: 'progress' | 'completed' | 'failed'; progress: request.agent.Progress }
  | { type: 'response'; response: request.agent.HttpResponse };

/** Records every event of an agent task; `done` resolves with the 'completed'/'failed' event. */
export function recordAgent(task: request.agent.Task): {
  events: AgentEvent[];
  done: Promise<Extract<AgentEvent, { type: 'progress' | 'completed' | 'failed' }>>;
} {
  const events: AgentEvent[] = [];
  type Final = Extract<AgentEvent, { type: 'progress' | 'completed' | 'failed' }>;
  const done = new Promise<Final>((resolve) => {
    task.on('progress', (progress) => events.push({ type: 'progress', progress }));
    task.on('response', (response) => events.push({ type: 'response', response }));
    task.on('completed', (progress) => {
      const event: Final = { type: 'completed', progress };
      events.push(event);
      resolve(event);
    });
    task.on('failed', (progress) => {
      const event: Final = { type: 'failed', progress };
      events.push(event);
      resolve(event);
    });
  });
  return { events, done };
}

/** The parsed JSON summary the server answers with. */
export function summaryOf(body: unknown): {
  method: string;
  fields: Record<string, string>;
  files: Array<{ sha256: string; size: number; field: string; filename: string; contentType: string }>;
  raw?: { size: number; sha256: string; contentType: string };
} {
  if (typeof body !== 'string') throw new Error(`expected a text body, got ${typeof body}`);
  return JSON.parse(body) as ReturnType<typeof summaryOf>;
}

export function closedRecord(server: UploadServer, id: string, timeoutMs = 5000): Promise<UploadRecord> {
  return server.waitFor((r) => r.id === id && r.closedAt !== undefined, timeoutMs);
}
