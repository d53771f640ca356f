/**
 * Consumers of a request body: multipart (busboy, streamed) or raw. Both hash file contents as they pass and
 * keep none of the bytes, so bodies of any size cost constant memory.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { errorMessage } from './request-plan';
import type { ReceivedFile, UploadSummary } from './types';

type Busboy = typeof import('busboy');
type BusboyParser = ReturnType<Busboy>;
type Limits = import('busboy').Limits;
type FileInfo = import('busboy').FileInfo;
// busboy is CommonJS with `export =`; without esModuleInterop in tsconfig, require() is the typed way in.
const busboy = createRequire(import.meta.url)('busboy') as Busboy;

export interface BodySink {
  /** false: stop writing until the drain callback runs. */
  write(chunk: Buffer): boolean;
  onceDrained(callback: () => void): void;
  /** No more input. */
  end(): void;
  /** The parsed body, after end(); rejects with a BodyError as soon as the body is found malformed. */
  readonly done: Promise<UploadSummary>;
}

/** A body that cannot be parsed; the status to answer with is 400 or 413. */
export class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const MULTIPART_LIMITS: Limits = {
  fieldNameSize: 64 * 1024,
  fieldSize: 16 * 1024 * 1024,
  fields: 10_000,
  parts: 10_000,
  headerPairs: 2_000,
};

export function createSink(method: string, headers: IncomingHttpHeaders): BodySink {
  const contentType = headers['content-type'] ?? '';
  return /^multipart\/form-data\b/i.test(contentType)
    ? createMultipartSink(method, headers)
    : createRawSink(method, contentType);
}

function createRawSink(method: string, contentType: string): BodySink {
  const hash = createHash('sha256');
  let size = 0;
  let finish: (summary: UploadSummary) => void = () => undefined;
  const done = new Promise<UploadSummary>((resolve) => {
    finish = resolve;
  });
  return {
    write(chunk) {
      size += chunk.length;
      hash.update(chunk);
      return true;
    },
    onceDrained(callback) {
      callback();
    },
    end() {
      finish({ method, fields: {}, files: [], raw: { size, sha256: hash.digest('hex'), contentType } });
    },
    done,
  };
}

function createMultipartSink(method: string, headers: IncomingHttpHeaders): BodySink {
  let parser: BusboyParser;
  try {
    // preservePath: report the file name exactly as it arrived (tests check what clients send).
    parser = busboy({ headers, defParamCharset: 'utf8', preservePath: true, limits: MULTIPART_LIMITS });
  } catch (error) {
    return failedSink(new BodyError(400, `malformed multipart request: ${errorMessage(error)}`));
  }
  const fields = new Map<string, string>();
  const files: ReceivedFile[] = [];
  const fail = (status: number, message: string): void => {
    parser.destroy(new BodyError(status, message));
  };
  const done = new Promise<UploadSummary>((resolve, reject) => {
    parser.on('file', (field, stream, info) => files.push(hashFile(field, stream, info)));
    parser.on('field', (name, value, info) => {
      if (info.nameTruncated || info.valueTruncated) fail(413, `field ${JSON.stringify(name)} exceeds the size limit`);
      else fields.set(name, value);
    });
    parser.on('partsLimit', () => fail(413, `more than ${MULTIPART_LIMITS.parts} parts`));
    parser.on('fieldsLimit', () => fail(413, `more than ${MULTIPART_LIMITS.fields} fields`));
    parser.on('error', (error) => reject(asBodyError(error)));
    // 'finish' comes only after every file stream ended, so all sizes and hashes are final.
    parser.on('finish', () => resolve({ method, fields: Object.fromEntries(fields), files }));
  });
  done.catch(() => undefined);
  return {
    write: (chunk) => parser.write(chunk),
    onceDrained: (callback) => parser.once('drain', callback),
    end: () => parser.end(),
    done,
  };
}

function hashFile(field: string, stream: NodeJS.ReadableStream, info: FileInfo): ReceivedFile {
  const file: ReceivedFile = { field, filename: info.filename ?? '', contentType: info.mimeType, size: 0, sha256: '' };
  const hash = createHash('sha256');
  stream.on('data', (chunk: Buffer) => {
    file.size += chunk.length;
    hash.update(chunk);
  });
  stream.on('end', () => {
    file.sha256 = hash.digest('hex');
  });
  // busboy also reports a truncated part on the parser itself, where it is handled.
  stream.on('error', () => undefined);
  return file;
}

function failedSink(error: BodyError): BodySink {
  const done = Promise.reject(error);
  done.catch(() => undefined);
  return { write: () => true, onceDrained: (callback) => callback(), end: () => undefined, done };
}

function asBodyError(error: unknown): BodyError {
  return error instanceof BodyError ? error : new BodyError(400, `malformed multipart body: ${errorMessage(error)}`);
}
