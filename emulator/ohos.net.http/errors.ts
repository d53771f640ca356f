/**
 * How `@ohos.net.http` reports a failed request: a BusinessError whose code is 2300000 plus the libcurl
 * result, but only for the results the module lists; any other result is 2300999 (communication_netstack
 * `frameworks/js/napi/http/async_context/src/request_context.cpp`, `HTTP_ERR_MAP`, `GetErrorCode` and
 * `GetErrorMessage`). The messages are that table's.
 */
import { EmulatedBusinessError } from '../errors';

/** The libcurl results (`CURLcode`, curl `include/curl/curl.h`) the emulated transfer ends with. */
export const Curl = {
  OK: 0,
  UNSUPPORTED_PROTOCOL: 1,
  URL_MALFORMAT: 3,
  COULDNT_RESOLVE_HOST: 6,
  COULDNT_CONNECT: 7,
  WEIRD_SERVER_REPLY: 8,
  PARTIAL_FILE: 18,
  WRITE_ERROR: 23,
  READ_ERROR: 26,
  OPERATION_TIMEDOUT: 28,
  SSL_CONNECT_ERROR: 35,
  TOO_MANY_REDIRECTS: 47,
  GOT_NOTHING: 52,
  SEND_ERROR: 55,
  RECV_ERROR: 56,
  PEER_FAILED_VERIFICATION: 60,
} as const;

const BASE = 2300000;
export const UNKNOWN_OTHER_ERROR = 2300999;

const MESSAGES: Readonly<Record<number, string>> = {
  2300001: 'Unsupported protocol',
  2300003: 'URL using bad/illegal format or missing URL',
  2300005: "Couldn't resolve proxy name",
  2300006: "Couldn't resolve host name",
  2300007: "Couldn't connect to server",
  2300008: 'Weird server reply',
  2300009: 'Access denied to remote resource',
  2300016: 'Error in the HTTP2 framing layer',
  2300018: 'Transferred a partial file',
  2300023: 'Failed writing received data to disk/application',
  2300025: 'Upload failed',
  2300026: 'Failed to open/read local data from file/application',
  2300027: 'Out of memory',
  2300028: 'Timeout was reached',
  2300047: 'Number of redirects hit maximum amount',
  2300052: 'Server returned nothing (no headers, no data)',
  2300055: 'Failed sending data to the peer',
  2300056: 'Failure when receiving data from the peer',
  2300058: 'Problem with the local SSL certificate',
  2300059: "Couldn't use specified SSL cipher",
  2300060: 'SSL peer certificate or SSH remote key was not OK',
  2300061: 'Unrecognized or bad HTTP Content or Transfer-Encoding',
  2300063: 'Maximum file size exceeded',
  2300070: 'Disk full or allocation exceeded',
  2300073: 'Remote file already exists',
  2300077: 'Problem with the SSL CA cert (path? access rights?)',
  2300078: 'Remote file not found',
  2300090: 'Specified pinned public key did not match',
  2300094: 'An authentication function returned an error',
  2300999: 'Unknown Other Error',
};

/** The error a request that ended with libcurl result `curlCode` rejects with. */
export function curlError(curlCode: number): EmulatedBusinessError {
  const code = MESSAGES[BASE + curlCode] === undefined ? UNKNOWN_OTHER_ERROR : BASE + curlCode;
  return new EmulatedBusinessError(code, MESSAGES[code] as string);
}

/** 401 "Parameter error" (`PARSE_ERROR_CODE`, `PARSE_ERROR_MSG`): arguments the module cannot read. */
export function parseError(): EmulatedBusinessError {
  return new EmulatedBusinessError(401, 'Parameter error');
}

/**
 * What `on`/`off` throw for bad arguments: `napi_throw_error(env, "401", "Parameter error")`
 * (`utils/napi_utils/src/module_template.cpp`, `OnManagerWrapper`), an Error whose code is the string "401".
 */
export function listenerArgumentError(): Error {
  return Object.assign(new Error('Parameter error'), { code: '401' });
}
