/**
 * Uploads with request.agent (API 10+; `response` since API 12): a FOREGROUND POST multipart task with
 * the file as a FileSpec and formData as string FormItems.
 *
 * What the platform gives, and what it withholds:
 * - `response` fires for every HTTP response, 4xx/5xx included: statusCode and headers; but not for a
 *   status without a canonical reason phrase (522, 499, 299, ...);
 * - `completed` carries the body and the headers in Progress.extras (2xx); for 4xx/5xx the task ends
 *   `failed` and the body is not delivered, so such a success has `data: ''`;
 * - `progress` comes at most once a second;
 * - `failed` says nothing of why; agent.show() gives the fault and the reason text.
 *
 * Without a `response` event: a 2xx is a success with statusCode 200 (nothing tells the status) and the
 * headers of Progress.extras; a 3xx/4xx/5xx fails the task with reason 17 "Http protocol error", the
 * server's answer, never retried: a success with its status where the reason text names it (newer
 * firmware: "Http protocol error: 522 ..."), else `http error: ...`, as on request.uploadFile.
 */
import { request } from '@kit.BasicServicesKit';
import { logError } from '../core/errors';
import type { UploadRequest } from '../core/options';
import type { Transport, TransportHandle, TransportSink } from '../core/transport';
import type { HeaderRecord } from '../core/types';
import { openFilePart } from './files';
import type { LocalFile } from './files';
import { failOnError, reasonOfError, reasonOfFault } from './platform-errors';
import { bodyText, headersOfMap, headersOfObject, isHttpProtocolError, reportHttpErrorAnswer } from './responses';
import type { ArkTsSource } from './types';

type Task = request.agent.Task;
type Progress = request.agent.Progress;

function isRedirect(status: number): boolean {
  return status >= 300 && status < 400;
}

export function agentConfig(req: UploadRequest<ArkTsSource>, file: LocalFile): request.agent.Config {
  const data: request.agent.FormItem[] = req.formData.map((f) => ({ name: f.name, value: f.value }));
  // One file: request.agent sends each file in a request of its own (upload.ts sends several with @ohos.net.http).
  const part = req.files[0];
  const spec: request.agent.FileSpec = { path: file.path, filename: part.fileName, mimeType: part.contentType };
  data.push({ name: part.name, value: spec });
  const headers: Record<string, string> = { ...req.header, 'Content-Type': 'multipart/form-data' };
  return {
    action: request.agent.Action.UPLOAD,
    url: req.url,
    method: 'POST',
    mode: request.agent.Mode.FOREGROUND,
    headers,
    data,
    redirect: true,
    retry: false,
  };
}

/**
 * One upload on a request.agent task: FOREGROUND here; background.ts builds the BACKGROUND ones (and those a
 * later process finds again) on it.
 */
export class AgentUpload implements TransportHandle {
  protected closed = false;
  protected task: Task | undefined;
  protected file: LocalFile | undefined;
  private status = 0;
  private header: HeaderRecord = {};

  constructor(
    protected readonly req: UploadRequest<ArkTsSource>,
    protected readonly sink: TransportSink,
  ) {}

  async run(): Promise<void> {
    const file = await openFilePart(this.req, 0);
    this.file = file;
    if (this.closed) return;
    const task = await this.createTask(file);
    if (this.closed) {
      this.removeTask(task);
      return;
    }
    this.watch(task);
    await task.start();
  }

  /** The platform task of this upload, not started yet. */
  protected createTask(file: LocalFile): Promise<Task> {
    return request.agent.create(this.req.files[0].source.context, agentConfig(this.req, file));
  }

  /** Listens to the task's events until close(). */
  protected watch(task: Task): void {
    this.task = task;
    const size = (): number => (this.file ? this.file.size : 0);
    task.on('progress', (p: Progress) => this.sink.progress(p.processed, size()));
    task.on('response', (r: request.agent.HttpResponse) => this.onResponse(r));
    task.on('completed', (p: Progress) => this.onCompleted(p));
    task.on('failed', () => {
      this.onFailed(task.tid).catch((err: unknown) => this.sink.fail(reasonOfError(err).message));
    });
  }

  private onResponse(r: request.agent.HttpResponse): void {
    this.status = r.statusCode;
    this.header = headersOfMap(r.headers);
    if (!isRedirect(r.statusCode)) this.sink.headers(this.header);
  }

  private onCompleted(p: Progress): void {
    const size = this.file ? this.file.size : p.processed;
    const extras = (p.extras ?? {}) as Record<string, unknown>;
    if (this.status === 0) {
      // No `response` event (a 2xx without a reason phrase, such as 299): the headers are in extras, flat
      // beside the body as the request service builds them, or under `headers` as the SDK text describes.
      const nested = extras.headers;
      this.header =
        typeof nested === 'object' && nested !== null && !Array.isArray(nested)
          ? headersOfObject(nested as Record<string, unknown>)
          : headersOfObject(extras, 'body');
      this.sink.headers(this.header);
    }
    this.sink.progress(size, size);
    this.sink.success({
      statusCode: this.status || 200,
      header: this.header,
      data: bodyText(extras.body),
      totalBytes: size,
    });
  }

  private async onFailed(tid: string): Promise<void> {
    const size = this.file ? this.file.size : 0;
    if (this.status >= 400) {
      // The server answered: a success with its status, as on the mini-program platforms. The
      // platform does not hand over the body of an error response.
      this.sink.success({ statusCode: this.status, header: this.header, data: '', totalBytes: size });
      return;
    }
    let info: request.agent.TaskInfo | undefined;
    try {
      info = await request.agent.show(tid);
    } catch (err) {
      info = undefined;
    }
    const text = info?.reason ?? '';
    if (this.status === 0 && isHttpProtocolError(text)) {
      // The server answered with a status the service sent no `response` event for (one without a reason
      // phrase, such as 522), and failed the task on it: its answer, not a network failure.
      reportHttpErrorAnswer(this.sink, text, 'request.agent', this.header, size);
      return;
    }
    const failure = reasonOfFault(info?.faults, text);
    this.sink.fail(failure.message, failure.retryable && this.status === 0);
  }

  protected removeTask(task: Task): void {
    // First: an off() that throws must not leave the platform task behind.
    request.agent.remove(task.tid).catch((err: unknown) => {
      logError(`request.agent.remove(${task.tid}) failed:`, err);
    });
    task.off('progress');
    task.off('response');
    task.off('completed');
    task.off('failed');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const task = this.task;
    this.task = undefined;
    if (task) this.removeTask(task);
  }
}

export const agentTransport: Transport<ArkTsSource> = {
  start(req, sink) {
    const upload = new AgentUpload(req, sink);
    failOnError(upload.run(), sink);
    return upload;
  },
};
