/**
 * @ohos.net.http's error codes as readable reasons for `uploadFile:fail <reason>`. A failed request rejects
 * with 2300000 plus the libcurl result for the results the module knows, else 2300999; the module's own
 * text goes in parentheses after the code (docs/platform/ohos.net.http.md, "Errors").
 */
import { describeThrown } from '../core/errors';
import { UploadFailure } from './platform-errors';

/** The reason, and whether the failure is the network's (which `retry` may try again before any answer). */
const REASONS: Record<number, [string, boolean]> = {
  201: ['permission denied: declare ohos.permission.INTERNET in module.json5', false],
  401: ['parameter error (refused by @ohos.net.http)', false],
  2300001: ['unsupported protocol', false],
  2300003: ['invalid url (refused by @ohos.net.http)', false],
  2300005: ['proxy lookup failed', true],
  2300006: ['DNS lookup failed', true],
  2300007: ['connection failed: the server refused or could not be reached', true],
  2300008: ['the server sent an answer that is not HTTP', false],
  2300016: ['HTTP/2 framing error', true],
  2300018: ['the answer broke off before its end', false],
  2300026: ['file read error: @ohos.net.http could not read the file', false],
  2300027: ['out of memory', false],
  2300047: ['redirect error: too many redirects', false],
  2300052: ['the server closed the connection without answering', true],
  2300055: ['network error while sending', true],
  2300056: ['network error while receiving the answer', true],
  2300058: ['SSL error: the client certificate cannot be used', false],
  2300059: ['SSL error: no usable cipher', false],
  2300060: ['SSL error: the server certificate is not trusted', false],
  2300077: ['SSL error: the CA certificate cannot be read', false],
  2300090: ['SSL error: the pinned public key does not match', false],
};

/** libcurl's CURLE_OPERATION_TIMEDOUT: the request's own time limit, set just above the task's timeout. */
export const HTTP_TIMEOUT = 2300028;

/**
 * The failure for what requestInStream rejected with. `answered`: a response (a redirect hop, the final
 * status line) had begun, so nothing is retried.
 */
export function reasonOfHttpError(err: unknown, answered: boolean): UploadFailure {
  const code = (err as { code?: unknown } | null)?.code;
  const message = (err as { message?: unknown } | null)?.message;
  if (code === HTTP_TIMEOUT) return new UploadFailure('timeout');
  if (typeof code !== 'number') return new UploadFailure(`upload failed (${describeThrown(err)})`);
  const detail = typeof message === 'string' && message !== '' ? `${code} ${message}` : String(code);
  const known = REASONS[code];
  if (known === undefined) return new UploadFailure(`upload failed (${detail})`);
  return new UploadFailure(`${known[0]} (${detail})`, known[1] && !answered);
}
