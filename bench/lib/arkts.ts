/**
 * The two ways an ArkTS app uploads in these figures:
 * - the library: uploadFile() of src/arkts (the code the ArkTS build ships), backend request.agent;
 * - the baseline, "the emulation driven directly": request.agent.create with the config the adapter builds
 *   (src/arkts/agent-transport.ts agentConfig: FOREGROUND POST multipart, redirect, no retry), start,
 *   wait for 'completed', then request.agent.remove. It listens to progress as the library's caller does.
 * Both upload to the local upload server over real HTTP through the @ohos.request emulation.
 */
import { request } from '@kit.BasicServicesKit';
import { configure, uploadFile } from '../../src/arkts/index';
import type { UploadFileSuccessResult, UploadTask } from '../../src/core/types';
import { emulationStats } from '../../emulator/control';
import type { UploadSummary } from '../../server/types';
import { context } from './files';
import type { BenchFile } from './files';
import { sleep } from './stats';

export const FIELD = 'file';
export const TIMEOUT_MS = 10 * 60 * 1000;
const noop = (): void => undefined;

export function useLibrary(maxConcurrent = 10): void {
  configure({ context, backend: 'agent', maxConcurrent });
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
  task: request.agent.Task;
  /** Resolves with the response body at 'completed'; rejects at 'failed'. */
  completed: Promise<string>;
}

/** Creates and starts the agent task; the caller awaits `completed`, then removes the task. */
export async function startDirect(url: string, file: BenchFile): Promise<DirectUpload> {
  const task = await request.agent.create(context, agentConfigFor(url, file));
  const completed = new Promise<string>((resolve, reject) => {
    task.on('progress', noop);
    task.on('completed', (p: request.agent.Progress) => {
      const body = (p.extras as { body?: unknown } | undefined)?.body;
      resolve(typeof body === 'string' ? body : '');
    });
    task.on('failed', () => reject(new Error(`agent task ${task.tid} failed`)));
  });
  await task.start();
  return { task, completed };
}

/** One upload driven directly, until 'completed'; the task is removed afterwards (not timed by callers). */
export async function directUpload(url: string, file: BenchFile): Promise<{ body: string; remove: Promise<void> }> {
  const { task, completed } = await startDirect(url, file);
  const body = await completed;
  return { body, remove: request.agent.remove(task.tid) };
}

export function startLibrary(
  url: string,
  file: BenchFile,
  callbacks: Partial<Pick<Parameters<typeof uploadFile>[0], 'success' | 'fail'>> = {},
): UploadTask & Promise<UploadFileSuccessResult> {
  const task = uploadFile({ url, filePath: file.filePath, name: FIELD, timeout: TIMEOUT_MS, ...callbacks });
  task.onProgressUpdate(noop);
  return task;
}

export async function libraryUpload(url: string, file: BenchFile): Promise<string> {
  return (await startLibrary(url, file)).data;
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

/** Waits until every agent task is removed and every client socket closed (between timed runs). */
export async function quiesce(timeoutMs = 10000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const s = emulationStats();
    if (s.agentTasks === 0 && s.openSockets === 0) return;
    if (Date.now() > end) throw new Error(`the emulation did not quiesce: ${JSON.stringify(s)}`);
    await sleep(5);
  }
}
