/**
 * What the @ohos.request APIs hand over of the server's answer, as the core's shapes: header maps and
 * objects as a HeaderRecord, bodies as text, and the answer behind the request service's reason 17.
 */
import type { TransportSink } from '../core/transport';
import type { HeaderRecord } from '../core/types';
import { decodeUtf8 } from '../core/utf8';

/** request.agent's HttpResponse.headers: names lower-cased, several values joined with ', '. */
export function headersOfMap(headers: Map<string, Array<string>>): HeaderRecord {
  const out: HeaderRecord = {};
  headers.forEach((values, name) => {
    out[name.toLowerCase()] = values.join(', ');
  });
  return out;
}

/**
 * Headers from an object of name -> value or values, as both APIs hand them over: names lower-cased,
 * several values joined. `skip`: a property that is not a header (the body in Progress.extras).
 */
export function headersOfObject(src: Record<string, unknown>, skip?: string): HeaderRecord {
  const out: HeaderRecord = {};
  for (const name of Object.keys(src)) {
    if (name === skip) continue;
    const v = src[name];
    out[name.toLowerCase()] = Array.isArray(v) ? v.map(String).join(', ') : String(v);
  }
  return out;
}

/** A response body as text: a string as it is, an ArrayBuffer decoded as UTF-8. */
export function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body instanceof ArrayBuffer) return decodeUtf8(body);
  return '';
}

/**
 * request.uploadFile's `headerReceive` value: `{headers, body}` from OpenHarmony 4.0 on; OpenHarmony 3.2
 * gave the raw header lines as one string.
 */
export function headerReceiveOf(header: object): { header: HeaderRecord; body: string } {
  if (typeof header === 'string') {
    const out: HeaderRecord = {};
    for (const line of (header as string).split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon > 0) out[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    return { header: out, body: '' };
  }
  const h = header as { headers?: unknown; body?: unknown };
  const headers =
    typeof h.headers === 'object' && h.headers !== null ? headersOfObject(h.headers as Record<string, unknown>) : {};
  return { header: headers, body: bodyText(h.body) };
}

/** The request service's reason 17 text: the server answered with a status the service fails the task on. */
const HTTP_PROTOCOL_ERROR = 'Http protocol error';

/** Whether a reason text is the request service's reason 17. */
export function isHttpProtocolError(text: string): boolean {
  return text.startsWith(HTTP_PROTOCOL_ERROR);
}

/**
 * Reports what the server answered, behind the request service's reason 17 "Http protocol error"
 * (3xx/4xx/5xx, the task failed): where the reason text names the status (newer firmware: "Http protocol
 * error: 404 Not Found"), a success with that status and no body; otherwise a failure that says the
 * status is unknown. Never retried: the server has answered. `api` names the API for the message.
 */
export function reportHttpErrorAnswer(
  sink: TransportSink,
  text: string,
  api: string,
  header: HeaderRecord,
  totalBytes: number,
): void {
  const status = /\b([1-5]\d\d)\b/.exec(text);
  if (!status) {
    sink.fail(
      `http error: the server answered with an error status; ${api} does not say which (17 ${text || HTTP_PROTOCOL_ERROR})`,
    );
    return;
  }
  sink.headers(header);
  sink.success({ statusCode: Number(status[1]), header, data: '', totalBytes });
}
