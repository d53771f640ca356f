/** @ohos.request's error codes and reason codes, as readable reasons for `uploadFile:fail <reason>`. */
import { request } from '@kit.BasicServicesKit';
import { describeThrown } from '../core/errors';
import type { TransportSink } from '../core/transport';

/** A failure whose message is already the reason to show. */
export class UploadFailure extends Error {
  constructor(
    message: string,
    readonly retryable: boolean = false,
  ) {
    super(message);
    this.name = 'UploadFailure';
  }
}

/** BusinessError codes thrown or rejected by request.agent / request.uploadFile (errorcode-request.md). */
const CODES: Record<number, string> = {
  201: 'permission denied: declare ohos.permission.INTERNET in module.json5',
  401: 'parameter error (refused by @ohos.request)',
  801: 'unsupported on this device',
  13400001: 'file error',
  13400002: 'bad file path',
  13400003: 'upload service error',
  13499999: 'upload service error',
  21900004: 'too many upload tasks: the application task queue is full',
  21900005: 'task mode error',
  21900006: 'task not found',
  21900007: 'task state error',
};

export function reasonOfError(err: unknown): UploadFailure {
  if (err instanceof UploadFailure) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const message = (err as { message?: unknown } | null)?.message;
  const detail = typeof message === 'string' && message !== '' ? `: ${message}` : '';
  if (typeof code === 'number' && CODES[code] !== undefined)
    return new UploadFailure(`${CODES[code]} (${code}${detail})`);
  return new UploadFailure(describeThrown(err));
}

/** The request service's reason 14 text (services/src/task/reason.rs): the connection closed before the answer. */
const REQUEST_ERROR = 'Request error';

/**
 * The request service's reason 6 text (services/src/task/reason.rs): it failed a FOREGROUND upload 60 s after
 * the app left the foreground, or when it ended.
 */
const APP_BACKGROUND = 'The app is background or terminate';
/** What the user is told when the app's going to the background ended an upload, as WeChat says it. */
export const INTERRUPTED = 'interrupted';

/** request.agent.Faults, for a failed task (API 12 tells them through agent.show()). */
export function reasonOfFault(fault: request.agent.Faults | undefined, text: string): UploadFailure {
  if (text.startsWith(APP_BACKGROUND)) return new UploadFailure(INTERRUPTED);
  const suffix = text ? ` (${text})` : '';
  switch (fault) {
    case request.agent.Faults.DISCONNECTED:
      return new UploadFailure(`network disconnected${suffix}`, true);
    case request.agent.Faults.TIMEOUT:
      return new UploadFailure('timeout');
    case request.agent.Faults.PROTOCOL:
      // Reason 14 "Request error": the connection closed before the answer, which may be tried again.
      // Reason 17 "Http protocol error" is the server's answer (the caller reports it: responses.ts).
      return new UploadFailure(`http protocol error${suffix}`, text.startsWith(REQUEST_ERROR));
    case request.agent.Faults.PARAM:
      return new UploadFailure(`parameter error (refused by @ohos.request)${suffix}`);
    case request.agent.Faults.FSIO:
      return new UploadFailure(`file read error${suffix}`);
    case request.agent.Faults.DNS:
      return new UploadFailure(`DNS lookup failed${suffix}`, true);
    case request.agent.Faults.TCP:
      return new UploadFailure(`connection failed${suffix}`, true);
    case request.agent.Faults.SSL:
      return new UploadFailure(`SSL error${suffix}`);
    case request.agent.Faults.REDIRECT:
      return new UploadFailure(`redirect error${suffix}`);
    default:
      return new UploadFailure(`upload failed${suffix}`, true);
  }
}

/** TaskState.responseCode of request.uploadFile: the request service's reason codes. */
const RESPONSE_CODES: Record<number, [string, boolean]> = {
  5: ['stopped', false],
  6: [INTERRUPTED, false],
  7: ['network offline', true],
  8: ['network type not allowed', false],
  10: ['cannot build the request', false],
  12: ['timeout', false],
  13: ['connection failed', true],
  14: ['request error', true],
  15: ['upload failed', true],
  16: ['redirect error', false],
  17: ['http protocol error', false],
  18: ['file read error', false],
  20: ['upload failed', false],
  23: ['DNS lookup failed', true],
  24: ['connection failed', true],
  25: ['SSL error', false],
  26: ['no space left', false],
  31: ['network too slow', true],
};

export function reasonOfTaskState(responseCode: number, message: string): UploadFailure {
  const known = RESPONSE_CODES[responseCode];
  const detail = message ? `: ${message}` : '';
  if (!known) return new UploadFailure(`upload failed (${responseCode}${detail})`);
  const [text, retryable] = known;
  if (text === 'timeout') return new UploadFailure('timeout');
  if (text === INTERRUPTED) return new UploadFailure(INTERRUPTED);
  return new UploadFailure(`${text} (${responseCode}${detail})`, retryable);
}

/** Waits for an upload's asynchronous start: whatever it throws or rejects becomes the upload's failure. */
export function failOnError(run: Promise<void>, sink: TransportSink): void {
  run.catch((err: unknown) => {
    const failure = reasonOfError(err);
    sink.fail(failure.message, failure.retryable);
  });
}
