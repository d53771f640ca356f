/**
 * Uploads with request.uploadFile (API 9+), for systems without request.agent.
 *
 * Its rules: the file must be in the context's cacheDir, named `internal://cache/<path>`, so a file
 * elsewhere is copied there with the file API (never read into memory) and the copy is deleted at the
 * end. `headerReceive` gives `{headers, body}` for 2xx answers only and no status (reported as 200).
 * A 4xx/5xx answer fails the task with responseCode 17; newer firmware names the status in the message
 * ("Http protocol error: 404 Not Found"), which then becomes a success with that status and no body;
 * older firmware withholds it, and the upload fails with a reason that says so.
 */
import { fileIo } from '@kit.CoreFileKit';
import { request } from '@kit.BasicServicesKit';
import { logError } from '../core/errors';
import type { UploadRequest } from '../core/options';
import type { Transport, TransportHandle, TransportSink } from '../core/transport';
import type { HeaderRecord } from '../core/types';
import { bodyText, headersOfObject } from './agent-transport';
import { resolveContext } from './context';
import { isInside, normalizePath, openLocalFile } from './files';
import type { LocalFile } from './files';
import { failOnError, reasonOfTaskState, reportHttpErrorAnswer } from './platform-errors';
import type { ArkTsUploadFileOptions } from './types';

const INTERNAL_CACHE = 'internal://cache/';
/** The folder in cacheDir for copies of files that live elsewhere. */
export const COPY_DIR = 'harmony-upload-task';
const HTTP_ERROR = 17;
/** @ohos.file.fs: File exists. */
const EEXIST = 13900015;

let copies = 0;

function headersOf(header: object): { header: HeaderRecord; body: string } {
  // OpenHarmony 3.2 gave the raw header lines as one string; 4.0 and later give {headers, body}.
  if (typeof header === 'string') {
    const out: HeaderRecord = {};
    for (const line of (header as string).split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon > 0) out[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    return { header: out, body: '' };
  }
  const h = header as { headers?: unknown; body?: unknown };
  const headers = typeof h.headers === 'object' && h.headers !== null ? headersOfObject(h.headers as Record<string, unknown>) : {};
  return { header: headers, body: bodyText(h.body) };
}

function removeFile(path: string): void {
  fileIo.unlink(path).catch(() => undefined);
}

async function ensureDir(path: string): Promise<void> {
  if (await fileIo.access(path)) return;
  try {
    await fileIo.mkdir(path, true);
  } catch (err) {
    if ((err as { code?: unknown }).code !== EEXIST) throw err;
  }
}

class LegacyUpload implements TransportHandle {
  private closed = false;
  private finished = false;
  private task: request.UploadTask | undefined;
  private copy: string | undefined;
  private file: LocalFile | undefined;
  private header: HeaderRecord = {};
  private body = '';

  constructor(
    private readonly req: UploadRequest<string>,
    private readonly options: ArkTsUploadFileOptions,
    private readonly sink: TransportSink,
  ) {}

  async run(): Promise<void> {
    const context = resolveContext(this.options.context);
    const file = await openLocalFile(this.req.source, context);
    this.file = file;
    // Closed (aborted, timed out) while looking: no copy, no platform task.
    if (this.closed) return;
    const cacheDir = normalizePath(context.cacheDir) ?? context.cacheDir;
    let uri: string;
    if (isInside(file.path, cacheDir)) {
      uri = INTERNAL_CACHE + file.path.slice(cacheDir.length + 1);
    } else {
      const name = `${Date.now()}-${++copies}.upload`;
      const dir = `${cacheDir}/${COPY_DIR}`;
      const copy = `${dir}/${name}`;
      await ensureDir(dir);
      if (this.closed) return;
      try {
        await fileIo.copyFile(file.path, copy);
      } catch (err) {
        removeFile(copy);
        throw err;
      }
      // The copy belongs to this upload from now on; close() deletes it.
      if (this.closed) {
        removeFile(copy);
        return;
      }
      this.copy = copy;
      uri = `${INTERNAL_CACHE}${COPY_DIR}/${name}`;
    }
    const config: request.UploadConfig = {
      url: this.req.url,
      header: { ...this.req.header, 'Content-Type': 'multipart/form-data' },
      method: 'POST',
      files: [{ filename: this.req.fileName, name: this.req.name, uri, type: this.req.contentType }],
      data: this.req.formData.map((f) => ({ name: f.name, value: f.value })),
    };
    const task = await request.uploadFile(context, config);
    this.task = task;
    if (this.closed) {
      this.release();
      return;
    }
    task.on('progress', (sent: number, total: number) => this.sink.progress(sent, total));
    task.on('headerReceive', (header: object) => {
      const parsed = headersOf(header);
      this.header = parsed.header;
      this.body = parsed.body;
      this.sink.headers(this.header);
    });
    task.on('complete', () => {
      this.finished = true;
      this.sink.progress(file.size, file.size);
      this.sink.success({ statusCode: 200, header: this.header, data: this.body, totalBytes: file.size });
    });
    task.on('fail', (states: Array<request.TaskState>) => {
      this.finished = true;
      this.onFail(states[0]);
    });
  }

  private onFail(state: request.TaskState | undefined): void {
    const code = state ? state.responseCode : -1;
    const message = state ? state.message : '';
    if (code === HTTP_ERROR) {
      reportHttpErrorAnswer(this.sink, message, 'request.uploadFile', this.header, this.file ? this.file.size : 0);
      return;
    }
    const failure = reasonOfTaskState(code, message);
    this.sink.fail(failure.message, failure.retryable);
  }

  private deleteCopy(): void {
    const copy = this.copy;
    this.copy = undefined;
    if (copy) removeFile(copy);
  }

  private release(): void {
    const task = this.task;
    this.task = undefined;
    if (task) {
      task.off('progress');
      task.off('headerReceive');
      task.off('complete');
      task.off('fail');
      if (!this.finished) {
        task.delete().catch((err: unknown) => logError('UploadTask.delete() failed:', err));
      }
    }
    this.deleteCopy();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.release();
  }
}

export const legacyTransport: Transport<string, ArkTsUploadFileOptions> = {
  start(req, options, sink) {
    const upload = new LegacyUpload(req, options, sink);
    failOnError(upload.run(), sink);
    return upload;
  },
};
