/** errMsg texts shared by every target. */

export const API_NAME = 'uploadFile';
export const OK_MSG = `${API_NAME}:ok`;

export function failMsg(reason: string): string {
  return `${API_NAME}:fail ${reason}`;
}

/** Fixed reasons that code branches on. */
export const Reason = {
  abort: 'abort',
  timeout: 'timeout',
} as const;

/** The type name mini-program hosts print in parameter errors: String, Number, Undefined, ... */
export function typeName(value: unknown): string {
  if (value === null) return 'Null';
  if (Array.isArray(value)) return 'Array';
  const t = typeof value;
  if (t === 'bigint') return 'BigInt';
  return t.charAt(0).toUpperCase() + t.slice(1);
}

export function parameterError(detail: string): string {
  return `parameter error: ${detail}`;
}

export function wrongType(path: string, expected: string, value: unknown): string {
  return parameterError(`parameter.${path} should be ${expected} instead of ${typeName(value)}`);
}

/** A value quoted in a message, cut to 80 characters. */
export function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Message of whatever was thrown, without assuming it is an Error. */
export function describeThrown(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'object' && err !== null) {
    const e = err as { message?: unknown; code?: unknown };
    const parts: string[] = [];
    if (e.code !== undefined) parts.push(String(e.code));
    if (typeof e.message === 'string') parts.push(e.message);
    if (parts.length) return parts.join(' ');
  }
  return String(err);
}

/** Reports a problem the library survives (a throwing listener, a failed clean-up) without stopping. */
export function logError(what: string, err?: unknown): void {
  console.error(`[harmony-upload-task] ${what}`, err);
}
