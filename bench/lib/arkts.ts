/**
 * The two ways an ArkTS app uploads in these figures, on one engine (request.agent, or @ohos.net.http):
 * - the library: uploadFile() of src/arkts (the code the ArkTS build ships) with that backend;
 * - the baseline, "the platform driven directly", with what the library's transport hands the platform:
 *   on request.agent, create with the config src/arkts/agent-transport.ts builds (FOREGROUND POST
 *   multipart, redirect, no retry), start, wait for 'completed', then request.agent.remove; on
 *   @ohos.net.http, createHttp and requestInStream with the options src/arkts/http-transport.ts builds
 *   (the multipart header, the file part, both timeouts), the answer's chunks collected, then destroy().
 *   It listens to progress as the library's caller does.
 * Both upload to the local upload server over real HTTP through the emulation.
 */
import { request } from '@kit.BasicServicesKit';
import { http } from '@kit.NetworkKit';
import { TIMEOUT_GRACE_MS } from '../../src/arkts/http-transport';
import { configure, uploadFile } from '../../src/arkts/index';
import type { ArkTsBackend } from '../../src/arkts/types';
import type { UploadFileSuccessResult, UploadTask } from '../../src/core/types';
import { emulationStats } from '../../emulator/control';
import type { UploadSummary } from '../../server/types';
import { context } from './files';
import type { BenchFile } from './files';
import { sleep } from './stats';

export const FIELD = 'file';
export const TIMEOUT_MS = 10 * 60 * 1000;
const noop = (): void => undefined;

/** The engines the ArkTS figures measure, by their backend names. */
export type Engine = 'agent' | 'http';

/** What the rows call the platform driven directly on each engine. */
export const DIRECT_NAME: Record<Engine, string> = {
  agent: 'request.agent driven directly',
  http: 'requestInStream driven directly',
};

export function useLibrary(maxConcurrent = 10, backend: ArkTsBackend = 'agent'): void {
  configure({ context, backend, maxConcurrent });
}

/** The last segment of the path, as the library's default fileName; `.bin` gives application/octet-stream. */
function fileNameOf(file: BenchFile): string {
  return file.filePath.slice(file.filePath.lastIndexOf('/') + 1);
}

/** The config src/arkts/agent-transport.ts builds for this upload (no formData, no extra headers). */
export function agentConfigFor(url: string, file: BenchFile): request.agent.Config {
  return {
    action: request.agent.Action.UPLOAD,
    url,
    method: 'POST',
    mode: request.agent.Mode.FOREGROUND,
    headers: { 'Content-Type': 'multipart/form-data' },
    data: [
      { name: FIELD, value: { path: file.filePath, filename: fileNameOf(file), mimeType: 'application/octet-stream' } },
    ],
    redirect: true,
    retry: false,
  };
}

export interface DirectUpload {
  /** Resolves with the response body at the end ('completed', or requestInStream's promise); rejects on failure. */
  completed: Promise<string>;
  /** Progress events the platform delivered to the listener so far. */
  progressEvents(): number;
  /** What an app does at the end, or to stop: request.agent.remove(tid), or HttpRequest.destroy(). */
  release(): Promise<void>;
}

/** Creates and starts the agent task. */
async function startAgent(url: string, file: BenchFile): Promise<DirectUpload> {
  const task = await request.agent.create(context, agentConfigFor(url, file));
  let events = 0;
  const completed = new Promise<string>((resolve, reject) => {
    task.on('progress', () => void events++);
    task.on('completed', (p: request.agent.Progress) => {
      const body = (p.extras as { body?: unknown } | undefined)?.body;
      resolve(typeof body === 'string' ? body : '');
    });
    task.on('failed', () => reject(new Error(`agent task ${task.tid} failed`)));
  });
  await task.start();
  return { completed, progressEvents: () => events, release: () => request.agent.remove(task.tid) };
}

/**
 * The options src/arkts/http-transport.ts builds for this upload (no formData, no extra headers);
 * `remoteFileName` only for the control that shows what it costs.
 */
export function httpOptionsFor(file: BenchFile, remoteFileName?: string): http.HttpRequestOptions {
  const part: http.MultiFormData = { name: FIELD, contentType: 'application/octet-stream', filePath: file.filePath };
  if (remoteFileName !== undefined) part.remoteFileName = remoteFileName;
  return {
    method: http.RequestMethod.POST,
    header: { 'content-type': 'multipart/form-data' },
    multiFormDataList: [part],
    readTimeout: TIMEOUT_MS + TIMEOUT_GRACE_MS,
    connectTimeout: TIMEOUT_MS + TIMEOUT_GRACE_MS,
  };
}

/** createHttp, the listeners the transport registers, requestInStream. */
function startHttp(url: string, file: BenchFile, remoteFileName?: string): DirectUpload {
  const req = http.createHttp();
  const chunks: Buffer[] = [];
  let events = 0;
  req.on('headersReceive', noop);
  req.on('dataReceive', (chunk: ArrayBuffer) => void chunks.push(Buffer.from(chunk)));
  req.on('dataSendProgress', () => void events++);
  const completed = req
    .requestInStream(url, httpOptionsFor(file, remoteFileName))
    .then(() => Buffer.concat(chunks).toString('utf8'));
  const release = async (): Promise<void> => {
    req.destroy();
    req.off('headersReceive');
    req.off('dataReceive');
    req.off('dataSendProgress');
  };
  return { completed, progressEvents: () => events, release };
}

/** Starts one upload on the engine, driven directly; the caller awaits `completed`, then releases it. */
export async function startDirect(
  engine: Engine,
  url: string,
  file: BenchFile,
  remoteFileName?: string,
): Promise<DirectUpload> {
  return engine === 'http' ? startHttp(url, file, remoteFileName) : startAgent(url, file);
}

/** One upload driven directly, until it completes; released afterwards (not timed by callers). */
export async function directUpload(
  engine: Engine,
  url: string,
  file: BenchFile,
  remoteFileName?: string,
): Promise<{ body: string; progressEvents: number; release: Promise<void> }> {
  const upload = await startDirect(engine, url, file, remoteFileName);
  const body = await upload.completed;
  return { body, progressEvents: upload.progressEvents(), release: upload.release() };
}

export function startLibrary(
  url: string,
  file: BenchFile,
  callbacks: Partial<Pick<Parameters<typeof uploadFile>[0], 'success' | 'fail'>> = {},
  onProgress: () => void = noop,
): UploadTask & Promise<UploadFileSuccessResult> {
  const task = uploadFile({ url, filePath: file.filePath, name: FIELD, timeout: TIMEOUT_MS, ...callbacks });
  task.onProgressUpdate(onProgress);
  return task;
}

export async function libraryUpload(url: string, file: BenchFile, onProgress?: () => void): Promise<string> {
  return (await startLibrary(url, file, {}, onProgress)).data;
}

export function checkBody(body: string, file: BenchFile, what: string): void {
  let summary: UploadSummary;
  try {
    summary = JSON.parse(body) as UploadSummary;
  } catch {
    throw new Error(`${what}: the server's answer is not its JSON summary: ${body.slice(0, 200)}`);
  }
  const got = summary.files[0];
  if (!got || got.size !== file.size || got.sha256 !== file.sha256) {
    throw new Error(`${what}: the server did not receive the file intact (${got ? `${got.size} B` : 'no file'})`);
  }
}

/** Waits until every platform task or request is gone and every client socket closed (between timed runs). */
export async function quiesce(timeoutMs = 10000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const s = emulationStats();
    if (s.agentTasks === 0 && s.httpRequests === 0 && s.httpTransfers === 0 && s.openSockets === 0) return;
    if (Date.now() > end) throw new Error(`the emulation did not quiesce: ${JSON.stringify(s)}`);
    await sleep(5);
  }
}
