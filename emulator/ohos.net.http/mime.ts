/**
 * A `multipart/form-data` body as libcurl's MIME API builds one for an HTTP form post (curl 8.4, the
 * version OpenHarmony 5.0 ships: `lib/mime.c`), which `@ohos.net.http` uses for `multiFormDataList`:
 *
 * - the boundary is 24 dashes and 22 random letters and digits (`Curl_mime_initpart`, `Curl_rand_alnum`);
 * - each part: `--<boundary>` CRLF, `Content-Disposition: form-data; name="..."[; filename="..."]`, a
 *   `Content-Type` line when the part has one, an empty line, the content; parts are joined by CRLF and the
 *   body ends with CRLF `--<boundary>--` CRLF (`mime_subparts_read`);
 * - in the name and filename, `"`, CR and LF are written `%22`, `%0D`, `%0A` (`escape_string`, the
 *   WHATWG form rule);
 * - a part's type is the one given (`curl_mime_type`), else for a file part a guess from the filename's
 *   extension (ten of them, `Curl_mime_contenttype`) or `application/octet-stream`, else for a data part
 *   with a filename that guess or none; a guessed `text/plain` is dropped from a part without filename;
 * - a file part (`curl_mime_filedata`) takes its size from `stat()` when the part is set up and reads the
 *   file while the body is sent; a file that cannot be stat'ed or is not a regular file has an unknown
 *   size (so has the whole body: it then goes chunked) and fails with CURLE_READ_ERROR once read.
 */
import { randomInt } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';

const DASHES = '-'.repeat(24);
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const BOUNDARY_RANDOM_CHARS = 22;
/** curl's upload buffer (`UPLOADBUFFER_DEFAULT`, 64 KiB): what one read of the body hands to the socket. */
export const SEND_BUFFER_BYTES = 64 * 1024;
const EXTENSION_TYPES: ReadonlyArray<readonly [string, string]> = [
  ['.gif', 'image/gif'],
  ['.jpg', 'image/jpeg'],
  ['.jpeg', 'image/jpeg'],
  ['.png', 'image/png'],
  ['.svg', 'image/svg+xml'],
  ['.txt', 'text/plain'],
  ['.htm', 'text/html'],
  ['.html', 'text/html'],
  ['.pdf', 'application/pdf'],
  ['.xml', 'application/xml'],
];

export type PartContent =
  /** `curl_mime_data`: bytes held in memory (curl keeps its own copy). */
  | { readonly kind: 'data'; readonly bytes: Buffer }
  /**
   * `curl_mime_filedata`: the file, read while sending. `realPath` is where the emulation finds it (undefined
   * when the path names nothing the app can open); `size` is -1 when it could not be stat'ed as a regular file.
   */
  | { readonly kind: 'file'; readonly path: string; readonly realPath: string | undefined; readonly size: number };

export interface MimePart {
  readonly name: string;
  readonly filename: string | undefined;
  /** The type given with `curl_mime_type`, undefined when none was. */
  readonly mimetype: string | undefined;
  readonly content: PartContent;
}

/** The body could not be read (CURLE_READ_ERROR). */
export class MimeReadError extends Error {}

export class Mime {
  readonly boundary =
    DASHES + Array.from({ length: BOUNDARY_RANDOM_CHARS }, () => ALNUM[randomInt(ALNUM.length)]).join('');
  private readonly heads: Buffer[];

  constructor(readonly parts: readonly MimePart[]) {
    this.heads = parts.map((part, i) =>
      Buffer.from(`${i === 0 ? '' : '\r\n'}--${this.boundary}\r\n${partHeaders(part)}\r\n`),
    );
  }

  /** The whole body's size in bytes (`Curl_mime_size`), -1 when a part's size is unknown. */
  get size(): number {
    let total = this.tail().length;
    for (const [i, part] of this.parts.entries()) {
      const size = part.content.kind === 'data' ? part.content.bytes.length : part.content.size;
      if (size < 0) return -1;
      total += (this.heads[i] as Buffer).length + size;
    }
    return total;
  }

  /**
   * The body, at most SEND_BUFFER_BYTES per chunk; file contents are read from an open descriptor as the
   * body is consumed, never whole. A file that ends early ends its part early (curl 8.4 treats a short
   * read as the end of the part; the body is then shorter than announced). Throws MimeReadError.
   */
  async *chunks(): AsyncGenerator<Buffer> {
    for (const [i, part] of this.parts.entries()) {
      yield this.heads[i] as Buffer;
      if (part.content.kind === 'data') {
        for (let at = 0; at < part.content.bytes.length; at += SEND_BUFFER_BYTES) {
          yield part.content.bytes.subarray(at, at + SEND_BUFFER_BYTES);
        }
      } else {
        yield* fileChunks(part.content);
      }
    }
    yield this.tail();
  }

  private tail(): Buffer {
    return Buffer.from(`\r\n--${this.boundary}--\r\n`);
  }
}

async function* fileChunks(content: Extract<PartContent, { kind: 'file' }>): AsyncGenerator<Buffer> {
  if (content.realPath === undefined || content.size < 0) {
    throw new MimeReadError(`cannot open ${content.path}`);
  }
  let handle: FileHandle;
  try {
    handle = await open(content.realPath, 'r');
  } catch (error) {
    throw new MimeReadError(`cannot open ${content.path}: ${String(error)}`);
  }
  try {
    for (let position = 0; ; ) {
      const buffer = Buffer.allocUnsafe(SEND_BUFFER_BYTES);
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buffer, 0, buffer.length, position));
      } catch (error) {
        throw new MimeReadError(`reading ${content.path} failed: ${String(error)}`);
      }
      if (bytesRead === 0) return;
      position += bytesRead;
      yield bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

function partHeaders(part: MimePart): string {
  let disposition = `Content-Disposition: form-data; name="${escapeName(part.name)}"`;
  if (part.filename !== undefined) disposition += `; filename="${escapeName(part.filename)}"`;
  const type = partType(part);
  return `${disposition}\r\n${type === undefined ? '' : `Content-Type: ${type}\r\n`}`;
}

function partType(part: MimePart): string | undefined {
  if (part.mimetype !== undefined) return part.mimetype;
  let type: string | undefined;
  if (part.content.kind === 'file') {
    type = typeByExtension(part.filename) ?? typeByExtension(part.content.path);
    if (type === undefined && part.filename !== undefined) type = 'application/octet-stream';
  } else {
    type = typeByExtension(part.filename);
  }
  if (type === 'text/plain' && part.filename === undefined) return undefined;
  return type;
}

function typeByExtension(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const lower = name.toLowerCase();
  return EXTENSION_TYPES.find(([extension]) => lower.endsWith(extension))?.[1];
}

function escapeName(value: string): string {
  return value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
