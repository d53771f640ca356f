/**
 * Options are checked and normalised once, at the edge: adapters only ever see an UploadRequest.
 * Nothing here throws; a bad option is a reason string that becomes `uploadFile:fail <reason>`.
 */
import { parameterError, shorten, typeName, wrongType } from './errors';
import { contentTypeOf } from './mime';
import { isRecord } from './values';
import type { HeaderRecord, RetryOptions, UploadFileOptions } from './types';

export const DEFAULT_TIMEOUT = 60000;
/** setTimeout's largest delay; a larger one would fire at once. */
export const MAX_TIMEOUT = 2147483647;
export const MAX_RETRIES = 10;
export const DEFAULT_BACKOFF = 1000;
/** The most files one upload may list (`files`): as many as request.agent takes in one task (API 15). */
export const MAX_FILES = 100;

export interface FormField {
  name: string;
  value: string;
}

export interface NormalizedRetry {
  count: number;
  backoff: number;
}

/** One file of an upload, checked: where it is, and the multipart part it travels in. */
export interface FilePart<Source> {
  source: Source;
  /** The part's field name. */
  name: string;
  /** The part's file name. */
  fileName: string;
  /** The part's content type, from fileName. */
  contentType: string;
}

/** What an adapter receives: every field checked, defaults applied. */
export interface UploadRequest<Source> {
  url: string;
  /** The files, in the caller's order, all sent in one multipart request after the form fields. */
  files: Array<FilePart<Source>>;
  /** How the caller gave them: `filePath` and `name` (one file), or `files` (failures name the entry). */
  form: 'filePath' | 'files';
  header: HeaderRecord;
  formData: FormField[];
  timeout: number;
  retry: NormalizedRetry;
  withCredentials: boolean;
  /** Background mode (the option, else the target's default). */
  background: boolean;
  /** Background mode: the networks it may use. */
  network: 'any' | 'wifi';
  /** Background mode: the app's label for the upload. */
  tag: string | undefined;
}

/** What a target's configure() sets as the default of an option. */
export interface OptionDefaults {
  background: boolean;
}

/** The longest `tag`, in UTF-16 code units: it is kept in the app's record of background uploads. */
export const MAX_TAG_LENGTH = 1024;

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * How a target reads its own kind of file source from the options (a path and the context it lives in,
 * a Blob, ...): once, at the edge, so that a transport gets everything it needs in the UploadRequest.
 */
export interface SourceRules<Source> {
  /**
   * The source a filePath value gives, or the reason it is not a usable one. `field` names the value in
   * that reason: `filePath`, or `files[2].filePath`. `options` are the whole options (a context, say).
   */
  read(value: unknown, field: string, options: Readonly<Record<string, unknown>>): Checked<Source>;
  /** The default multipart file name for a source. */
  fileName(source: Source): string;
  /** Why these sources (of `files`, two or more) cannot go in one request, or undefined when they can. */
  together?(sources: readonly Source[]): string | undefined;
}

/** The checks every target makes of a filePath string: a reason, or undefined when it may be a path. */
export function checkPathString(value: unknown, expected = 'String', field = 'filePath'): string | undefined {
  if (typeof value !== 'string') return wrongType(field, expected, value);
  if (value === '') return parameterError(`parameter.${field} should be a non-empty String`);
  if (/[\0\r\n]/.test(value)) return parameterError(`parameter.${field} must not contain NUL, CR or LF`);
  return undefined;
}

/**
 * A failure of one file of the upload as the caller is told it: as it is for `filePath`; for `files`, after
 * the entry's index (`files[2]: file not found: ...`).
 */
export function partFailure(req: Pick<UploadRequest<unknown>, 'form'>, index: number, reason: string): string {
  return req.form === 'files' ? `files[${index}]: ${reason}` : reason;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/**
 * Control characters HTTP forbids in a header (all but horizontal tab): in header names and values, and in
 * multipart names, which travel in the parts' headers (a server's parser refuses the whole body).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters refused
const CONTROL_IN_HEADER = /[\0-\x08\x0a-\x1f\x7f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters refused
const CONTROL_IN_URL = /[\0-\x1f\x7f]/;
/** Characters a header value cannot carry: HTTP header values are bytes. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the range starts at U+0000 on purpose
const BEYOND_LATIN1 = /[^\u0000-\u00ff]/;
const URL_SHAPE = /^https?:\/\/[^\s/?#\\]+(?:[/?#][^\s]*)?$/i;

/**
 * A double quote cannot travel inside a multipart name: browsers send it as %22 (WHATWG FormData), and
 * so does every target here, whatever the platform underneath would do with it.
 */
function multipartName(name: string): string {
  return name.replace(/"/g, '%22');
}

function absent(value: unknown): boolean {
  return value === undefined || value === null;
}

function checkUrl(url: unknown): string | undefined {
  if (typeof url !== 'string') return wrongType('url', 'String', url);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  if (!scheme) return `invalid url: "${shorten(url)}" is not an absolute http(s) URL`;
  const name = scheme[1].toLowerCase();
  if (name !== 'http' && name !== 'https') {
    return `invalid url: only http and https are supported, not ${shorten(name)}: in "${shorten(url)}"`;
  }
  if (!URL_SHAPE.test(url) || CONTROL_IN_URL.test(url))
    return `invalid url: "${shorten(url)}" is not a valid http(s) URL`;
  return undefined;
}

function checkHeader(header: unknown): Checked<HeaderRecord> {
  const out: HeaderRecord = {};
  if (absent(header)) return { ok: true, value: out };
  if (!isRecord(header)) return { ok: false, reason: wrongType('header', 'Object', header) };
  for (const key of Object.keys(header)) {
    const raw = header[key];
    if (raw === undefined || raw === null) continue;
    if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
      return { ok: false, reason: wrongType(`header["${shorten(key)}"]`, 'String', raw) };
    }
    const value = String(raw);
    if (CONTROL_IN_HEADER.test(key) || CONTROL_IN_HEADER.test(value)) {
      return {
        ok: false,
        reason: parameterError(
          `parameter.header["${shorten(JSON.stringify(key).slice(1, -1))}"] contains CR, LF or another control character`,
        ),
      };
    }
    if (!TOKEN.test(key))
      return { ok: false, reason: parameterError(`parameter.header has an invalid header name "${shorten(key)}"`) };
    // HTTP header values are bytes: text beyond ISO-8859-1 must be encoded by the caller.
    if (BEYOND_LATIN1.test(value)) {
      return {
        ok: false,
        reason: parameterError(
          `parameter.header["${shorten(key)}"] has characters beyond ISO-8859-1; encode the value (e.g. with encodeURIComponent)`,
        ),
      };
    }
    // The multipart body and its boundary are the library's: a caller's Content-Type would break them.
    if (key.toLowerCase() === 'content-type') continue;
    out[key] = value;
  }
  return { ok: true, value: out };
}

function checkFormData(formData: unknown): Checked<FormField[]> {
  const out: FormField[] = [];
  if (absent(formData)) return { ok: true, value: out };
  if (!isRecord(formData)) return { ok: false, reason: wrongType('formData', 'Object', formData) };
  for (const name of Object.keys(formData)) {
    if (CONTROL_IN_HEADER.test(name)) {
      return {
        ok: false,
        reason: parameterError('parameter.formData has a field name with CR, LF or another control character'),
      };
    }
    const raw = formData[name];
    if (raw === undefined) continue;
    let value: string | undefined;
    // Line breaks as CRLF, as browsers send form fields (HTML's multipart/form-data encoding).
    if (typeof raw === 'string') value = raw.replace(/\r\n|\r|\n/g, '\r\n');
    else {
      try {
        value = JSON.stringify(raw);
      } catch (err) {
        value = undefined;
      }
    }
    if (value === undefined) {
      return {
        ok: false,
        reason: parameterError(`parameter.formData["${shorten(name)}"] (${typeName(raw)}) cannot be sent as text`),
      };
    }
    out.push({ name: multipartName(name), value });
  }
  return { ok: true, value: out };
}

/** `timeout`; 0 for none (background mode's default: a long upload must not be cut at 60 s). */
function checkTimeout(timeout: unknown, background: boolean): Checked<number> {
  if (absent(timeout)) return { ok: true, value: background ? 0 : DEFAULT_TIMEOUT };
  if (typeof timeout !== 'number') return { ok: false, reason: wrongType('timeout', 'Number', timeout) };
  if (!(timeout > 0) || timeout > MAX_TIMEOUT) {
    return {
      ok: false,
      reason: parameterError(`parameter.timeout should be between 1 and ${MAX_TIMEOUT} milliseconds, got ${timeout}`),
    };
  }
  return { ok: true, value: timeout };
}

function checkRetry(retry: unknown): Checked<NormalizedRetry> {
  if (absent(retry)) return { ok: true, value: { count: 0, backoff: DEFAULT_BACKOFF } };
  if (!isRecord(retry)) return { ok: false, reason: wrongType('retry', 'Object', retry) };
  const r = retry as Partial<RetryOptions>;
  if (typeof r.count !== 'number') return { ok: false, reason: wrongType('retry.count', 'Number', r.count) };
  if (!Number.isInteger(r.count) || r.count < 0 || r.count > MAX_RETRIES) {
    return {
      ok: false,
      reason: parameterError(`parameter.retry.count should be an integer from 0 to ${MAX_RETRIES}, got ${r.count}`),
    };
  }
  if (absent(r.backoff)) return { ok: true, value: { count: r.count, backoff: DEFAULT_BACKOFF } };
  if (typeof r.backoff !== 'number') return { ok: false, reason: wrongType('retry.backoff', 'Number', r.backoff) };
  if (!(r.backoff >= 0) || r.backoff > MAX_TIMEOUT) {
    return {
      ok: false,
      reason: parameterError(
        `parameter.retry.backoff should be between 0 and ${MAX_TIMEOUT} milliseconds, got ${r.backoff}`,
      ),
    };
  }
  return { ok: true, value: { count: r.count, backoff: r.backoff } };
}

function checkName(path: string, value: unknown): string | undefined {
  if (typeof value !== 'string') return wrongType(path, 'String', value);
  if (value === '') return parameterError(`parameter.${path} should be a non-empty String`);
  if (CONTROL_IN_HEADER.test(value))
    return parameterError(`parameter.${path} must not contain CR, LF or another control character`);
  return undefined;
}

interface BackgroundChoice {
  background: boolean;
  network: 'any' | 'wifi';
  tag: string | undefined;
}

/** `background`, and the options that only apply to it (`network`, `tag`). */
function checkBackground(o: Record<string, unknown>, defaults: OptionDefaults): Checked<BackgroundChoice> {
  if (!absent(o.background) && typeof o.background !== 'boolean')
    return { ok: false, reason: wrongType('background', 'Boolean', o.background) };
  const background = absent(o.background) ? defaults.background : o.background === true;
  const onlyInBackground = (key: string): Checked<BackgroundChoice> => ({
    ok: false,
    reason: parameterError(`parameter.${key} applies to background uploads only (background: true)`),
  });
  let network: 'any' | 'wifi' = 'any';
  if (!absent(o.network)) {
    if (o.network !== 'any' && o.network !== 'wifi') {
      const got = typeof o.network === 'string' ? `"${shorten(o.network)}"` : typeName(o.network);
      return { ok: false, reason: parameterError(`parameter.network should be 'any' or 'wifi', got ${got}`) };
    }
    if (!background) return onlyInBackground('network');
    network = o.network;
  }
  let tag: string | undefined;
  if (!absent(o.tag)) {
    if (typeof o.tag !== 'string') return { ok: false, reason: wrongType('tag', 'String', o.tag) };
    if (o.tag.length > MAX_TAG_LENGTH)
      return { ok: false, reason: parameterError(`parameter.tag is longer than ${MAX_TAG_LENGTH} characters`) };
    if (!background) return onlyInBackground('tag');
    tag = o.tag;
  }
  return { ok: true, value: { background, network, tag } };
}

const CALLBACKS = ['success', 'fail', 'complete'] as const;
/** The options of the one-file form, which `files` replaces. */
const ONE_FILE = ['filePath', 'name', 'fileName'] as const;

/**
 * One file: `filePath`, `name` and `fileName` of `entry`, which is the options themselves for the one-file
 * form, or an entry of `files`; `at` prefixes the names in reasons (`files[2].`).
 */
function readFile<Source>(
  entry: Record<string, unknown>,
  at: string,
  options: Record<string, unknown>,
  rules: SourceRules<Source>,
): Checked<FilePart<Source>> {
  const source = rules.read(entry.filePath, `${at}filePath`, options);
  if (!source.ok) return source;
  const given = entry.fileName;
  const problem = checkName(`${at}name`, entry.name) ?? (absent(given) ? undefined : checkName(`${at}fileName`, given));
  if (problem) return { ok: false, reason: problem };
  const fileName = absent(given) ? rules.fileName(source.value) : (given as string);
  return {
    ok: true,
    value: {
      source: source.value,
      name: multipartName(entry.name as string),
      fileName: multipartName(fileName),
      contentType: contentTypeOf(fileName),
    },
  };
}

/** `files`: every entry checked as the one file is, its index in the reason. */
function readFiles<Source>(o: Record<string, unknown>, rules: SourceRules<Source>): Checked<Array<FilePart<Source>>> {
  const given = ONE_FILE.find((key) => !absent(o[key]));
  if (given) {
    return {
      ok: false,
      reason: parameterError(
        `parameter.files and parameter.${given} cannot both be given: files lists every file with its name, filePath and name are the form for one file`,
      ),
    };
  }
  const files = o.files;
  if (!Array.isArray(files)) return { ok: false, reason: wrongType('files', 'Array', files) };
  if (files.length === 0) return { ok: false, reason: parameterError('parameter.files should list at least one file') };
  if (files.length > MAX_FILES) {
    return {
      ok: false,
      reason: parameterError(`parameter.files lists ${files.length} files; at most ${MAX_FILES} go in one upload`),
    };
  }
  const parts: Array<FilePart<Source>> = [];
  for (let i = 0; i < files.length; i++) {
    const entry: unknown = files[i];
    if (!isRecord(entry)) return { ok: false, reason: wrongType(`files[${i}]`, 'Object', entry) };
    const part = readFile(entry, `files[${i}].`, o, rules);
    if (!part.ok) return part;
    parts.push(part.value);
  }
  const apart = parts.length > 1 && rules.together ? rules.together(parts.map((p) => p.source)) : undefined;
  if (apart) return { ok: false, reason: apart };
  return { ok: true, value: parts };
}

/** Checks the whole options object; the first problem found is the reason. */
export function normalizeOptions<Source>(
  options: unknown,
  rules: SourceRules<Source>,
  defaults: OptionDefaults = { background: false },
): Checked<UploadRequest<Source>> {
  if (!isRecord(options))
    return { ok: false, reason: parameterError(`options should be Object instead of ${typeName(options)}`) };
  const o = options as Partial<UploadFileOptions<unknown>> & Record<string, unknown>;
  for (const key of CALLBACKS) {
    if (!absent(o[key]) && typeof o[key] !== 'function')
      return { ok: false, reason: wrongType(key, 'Function', o[key]) };
  }
  const urlProblem = checkUrl(o.url);
  if (urlProblem) return { ok: false, reason: urlProblem };
  const form = absent(o.files) ? 'filePath' : 'files';
  let files: Checked<Array<FilePart<Source>>>;
  if (form === 'files') files = readFiles(o, rules);
  else {
    const one = readFile(o, '', o, rules);
    files = one.ok ? { ok: true, value: [one.value] } : one;
  }
  if (!files.ok) return files;
  const header = checkHeader(o.header);
  if (!header.ok) return header;
  const formData = checkFormData(o.formData);
  if (!formData.ok) return formData;
  const background = checkBackground(o, defaults);
  if (!background.ok) return background;
  const timeout = checkTimeout(o.timeout, background.value.background);
  if (!timeout.ok) return timeout;
  const retry = checkRetry(o.retry);
  if (!retry.ok) return retry;
  if (!absent(o.withCredentials) && typeof o.withCredentials !== 'boolean')
    return { ok: false, reason: wrongType('withCredentials', 'Boolean', o.withCredentials) };
  return {
    ok: true,
    value: {
      url: o.url as string,
      files: files.value,
      form,
      header: header.value,
      formData: formData.value,
      timeout: timeout.value,
      retry: retry.value,
      withCredentials: o.withCredentials === true,
      ...background.value,
    },
  };
}
