/**
 * Turns the query of `POST|PUT /upload` into the behaviour of one request (see ./types.ts for the list).
 */
import { validateHeaderName, validateHeaderValue } from 'node:http';

export interface UploadPlan {
  /** Status of the answer when one was asked for; the default depends on the mode (200, or 413 for respondEarly). */
  status?: number;
  /** Custom answer body (from `body` or `bodyB64`). */
  body?: { bytes: Buffer; contentType: string };
  delayHeadersMs: number;
  delayBodyMs: number;
  largeHeadersBytes: number;
  readBps?: number;
  stallAfter?: number;
  resetAfter?: number;
  /** Reading waits after this many body bytes until the server's `release(id)`. */
  holdAfter?: number;
  closeEarly: boolean;
  /** Read the whole body, then close the connection without answering. */
  closeAfterBody: boolean;
  respondEarly: boolean;
  neverEnd: boolean;
  redirect?: { status: number; location: string };
  /** From `header.<Name>=<value>`, in query order. */
  headers: Array<[string, string]>;
  /** The faults and status apply only to the first n requests with the same id (for retries). */
  faultTimes?: number;
  /** CORS for credentialed requests: the request's Origin and Allow-Credentials, instead of `*`. */
  credentials: boolean;
}

/** The plan of a request past `faultTimes`: a normal upload, still with its pacing and headers. */
export function withoutFaults(plan: UploadPlan): UploadPlan {
  return {
    ...plan,
    status: undefined,
    body: undefined,
    stallAfter: undefined,
    resetAfter: undefined,
    holdAfter: undefined,
    closeEarly: false,
    closeAfterBody: false,
    respondEarly: false,
    neverEnd: false,
    redirect: undefined,
  };
}

/** A query parameter that cannot be honoured; answered with 400. */
export class PlanError extends Error {}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const HEADER_PREFIX = 'header.';

export function parsePlan(url: URL): UploadPlan {
  const q = url.searchParams;
  return {
    status: optionalInt(q, 'status', 100, 599),
    body: parseBody(q),
    delayHeadersMs: optionalInt(q, 'delayHeadersMs', 0) ?? 0,
    delayBodyMs: optionalInt(q, 'delayBodyMs', 0) ?? 0,
    largeHeadersBytes: optionalInt(q, 'largeHeadersBytes', 0) ?? 0,
    readBps: optionalInt(q, 'readBps', 1),
    stallAfter: optionalInt(q, 'stallAfter', 0),
    resetAfter: optionalInt(q, 'resetAfter', 0),
    holdAfter: optionalInt(q, 'holdAfter', 0),
    closeEarly: flag(q, 'closeEarly'),
    closeAfterBody: flag(q, 'closeAfterBody'),
    respondEarly: flag(q, 'respondEarly'),
    neverEnd: flag(q, 'neverEnd'),
    redirect: parseRedirect(url),
    headers: parseHeaders(q),
    faultTimes: optionalInt(q, 'faultTimes', 0),
    credentials: flag(q, 'credentials'),
  };
}

function optionalInt(q: URLSearchParams, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const text = q.get(name);
  if (text === null) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new PlanError(`${name} must be an integer in ${min}..${max}, got "${text}"`);
  }
  return value;
}

function flag(q: URLSearchParams, name: string): boolean {
  const text = q.get(name);
  if (text === null || text === '0' || text === 'false') return false;
  if (text === '' || text === '1' || text === 'true') return true;
  throw new PlanError(`${name} must be 1 or 0, got "${text}"`);
}

function parseBody(q: URLSearchParams): UploadPlan['body'] {
  const text = q.get('body');
  if (text !== null) return { bytes: Buffer.from(text, 'utf8'), contentType: 'text/plain; charset=utf-8' };
  const b64 = q.get('bodyB64');
  if (b64 === null) return undefined;
  // An unescaped '+' in a query string arrives as a space.
  return { bytes: Buffer.from(b64.replace(/ /g, '+'), 'base64'), contentType: 'application/octet-stream' };
}

function parseRedirect(url: URL): UploadPlan['redirect'] {
  const status = optionalInt(url.searchParams, 'redirect', 300, 399);
  if (status === undefined) return undefined;
  if (!REDIRECT_STATUSES.has(status))
    throw new PlanError(`redirect must be one of ${[...REDIRECT_STATUSES].join(', ')}`);
  return { status, location: url.searchParams.get('to') ?? defaultRedirectTarget(url) };
}

/** The same upload URL without the redirect, so that following it ends in a normal answer. */
function defaultRedirectTarget(url: URL): string {
  const query = new URLSearchParams(url.searchParams);
  query.delete('redirect');
  query.delete('to');
  const search = query.toString();
  return search === '' ? url.pathname : `${url.pathname}?${search}`;
}

function parseHeaders(q: URLSearchParams): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  for (const [key, value] of q) {
    if (!key.startsWith(HEADER_PREFIX)) continue;
    const name = key.slice(HEADER_PREFIX.length);
    try {
      validateHeaderName(name);
      validateHeaderValue(name, value);
    } catch (error) {
      throw new PlanError(`invalid response header ${JSON.stringify(key)}: ${errorMessage(error)}`);
    }
    headers.push([name, value]);
  }
  return headers;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
