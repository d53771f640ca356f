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
import { request } from '@kit.BasicServicesKit';
import { logError } from '../core/errors';
import type { UploadRequest } from '../core/options';
import type { Transport, TransportHandle, TransportSink } from '../core/transport';
import type { HeaderRecord } from '../core/types';
import { isInside, normalizePath, openFilePart } from './files';
import type { LocalFile } from './files';
import { failOnError, reasonOfTaskState } from './platform-errors';
import { headerReceiveOf, reportHttpErrorAnswer } from './responses';
import { stageFile } from './staging';
import type { StagedCopy } from './staging';
import type { ArkTsSource } from './types';

const INTERNAL_CACHE = 'internal://cache/';
const HTTP_ERROR = 17;

class UploadFileUpload implements TransportHandle {
  private closed = false;
  private finished = false;
  private task: request.UploadTask | undefined;
  private copy: StagedCopy | undefined;
  private file: LocalFile | undefined;
  private header: HeaderRecord = {};
  private body = '';

  constructor(
    private readonly req: UploadRequest<ArkTsSource>,
    private readonly sink: TransportSink,
  ) {}

  async run(): Promise<void> {
    // One file: request.uploadFile sends each file of `files` in a request of its own (upload.ts).
    const part = this.req.files[0];
    const { context } = part.source;
    const file = await openFilePart(this.req, 0);
    this.file = file;
    // Closed (aborted, timed out) while looking: no copy, no platform task.
    if (this.closed) return;
    const cacheDir = normalizePath(context.cacheDir) ?? context.cacheDir;
    let uri: string;
    if (isInside(file.path, cacheDir)) {
      uri = INTERNAL_CACHE + file.path.slice(cacheDir.length + 1);
    } else {
      // The copy belongs to this upload from now on; close() deletes it.
      this.copy = await stageFile(context, file, 'file.upload', () => !this.closed);
      if (!this.copy) return;
      uri = this.copy.internalUri;
    }
    const config: request.UploadConfig = {
      url: this.req.url,
      header: { ...this.req.header, 'Content-Type': 'multipart/form-data' },
      method: 'POST',
      files: [{ filename: part.fileName, name: part.name, uri, type: part.contentType }],
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
      const parsed = headerReceiveOf(header);
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
    this.copy?.release();
    this.copy = undefined;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.release();
  }
}

export const uploadFileTransport: Transport<ArkTsSource> = {
  start(req, sink) {
    const upload = new UploadFileUpload(req, sink);
    failOnError(upload.run(), sink);
    return upload;
  },
};
