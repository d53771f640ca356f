/**
 * The request service's reason codes: `TaskState.responseCode` of `uploadFile`, and the `reason`/`faults`
 * that `agent.show()` reports for a task (docs/platform/ohos.request.md, the §1a reason table; texts from
 * request_request `services/src/task/reason.rs` and `request_common_utils` `GetMsgByReason`; faults from
 * `GetFaultByReason`).
 */
import { Faults } from './agent-enums';
import type { FailureKind, ResponseInfo } from './http-transfer';
import { settings } from '../state';

export interface Reason {
  readonly code: number;
  readonly message: string;
  /** The `agent.Faults` value `show()` reports (API 12 detail); undefined for success. */
  readonly fault: number | undefined;
}

export const REASONS = {
  OK: { code: 0, message: '', fault: undefined },
  RUNNING_TASK_MEET_LIMITS: { code: 4, message: 'Too many task in running state', fault: Faults.OTHERS },
  USER_OPERATION: { code: 5, message: 'User operation', fault: Faults.OTHERS },
  APP_BACKGROUND_OR_TERMINATE: { code: 6, message: 'The app is background or terminate', fault: Faults.OTHERS },
  NETWORK_OFFLINE: { code: 7, message: 'NetWork is offline', fault: Faults.DISCONNECTED },
  UNSUPPORTED_NETWORK_TYPE: { code: 8, message: 'NetWork type not meet the task config', fault: Faults.OTHERS },
  BUILD_REQUEST: { code: 10, message: 'Build request error', fault: Faults.PARAM },
  TIMEOUT: { code: 12, message: 'Continuous processing task time out', fault: Faults.TIMEOUT },
  CONNECT: { code: 13, message: 'Connect error', fault: Faults.TCP },
  REQUEST: { code: 14, message: 'Request error', fault: Faults.PROTOCOL },
  REDIRECT: { code: 16, message: 'Redirect error', fault: Faults.REDIRECT },
  PROTOCOL: { code: 17, message: 'Http protocol error', fault: Faults.PROTOCOL },
  IO: { code: 18, message: 'Io Error', fault: Faults.FSIO },
  OTHERS: { code: 20, message: 'Some other error occured', fault: Faults.OTHERS },
  DNS: { code: 23, message: 'DNS error', fault: Faults.DNS },
  TCP: { code: 24, message: 'TCP error', fault: Faults.TCP },
  SSL: { code: 25, message: 'TSL/SSL error', fault: Faults.SSL },
  NETWORK_APP: {
    code: 27,
    message: 'NetWork is offline and the app is background or terminate',
    fault: Faults.DISCONNECTED,
  },
} as const satisfies Record<string, Reason>;

/** Why an upload failed: a transfer failure, or an HTTP status the service rejects. */
export type FailureCause = FailureKind | 'protocol';

/**
 * What a failure becomes, following `upload_one_file` (services/src/task/upload.rs): a 3xx/4xx/5xx answer ->
 * "Http protocol error" (17; with the status, e.g. "Http protocol error: 404 Not Found", when the setting
 * `statusInProtocolError` models newer firmware); a request that cannot be built (bad header) -> 10; Timeout -> 12; BodyTransfer (connection lost while sending) -> "other" (20);
 * Request (closed or garbled after the body was sent) -> 14; Redirect -> 16; a file read error -> 18.
 * A failed connection is 13 "connection failed" in the `TaskState` table of `uploadFile` (docs/platform/ohos.request.md
 * §1a); for agent tasks the API 12 service tells DNS (23), TCP (24) and TLS (25) apart (`Faults.DNS/TCP/SSL`).
 */
export function reasonOf(cause: FailureCause, api: 9 | 10, response?: ResponseInfo): Reason {
  switch (cause) {
    case 'protocol':
      if (response === undefined || !settings.statusInProtocolError) return REASONS.PROTOCOL;
      return {
        ...REASONS.PROTOCOL,
        message: `${REASONS.PROTOCOL.message}: ${response.statusCode}${response.reason ? ` ${response.reason}` : ''}`,
      };
    case 'build':
      return REASONS.BUILD_REQUEST;
    case 'dns':
      return api === 9 ? REASONS.CONNECT : REASONS.DNS;
    case 'tcp':
      return api === 9 ? REASONS.CONNECT : REASONS.TCP;
    case 'tls':
      return api === 9 ? REASONS.CONNECT : REASONS.SSL;
    case 'timeout':
      return REASONS.TIMEOUT;
    case 'body':
      return REASONS.OTHERS;
    case 'response':
      return REASONS.REQUEST;
    case 'redirect':
      return REASONS.REDIRECT;
    case 'file':
      return REASONS.IO;
  }
}

/** Failures the service retries (`network_retry`) when the task may retry; the others fail at once. */
export function isRetryable(cause: FailureCause): boolean {
  return cause === 'dns' || cause === 'tcp' || cause === 'tls' || cause === 'body' || cause === 'timeout';
}
