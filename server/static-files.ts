/**
 * GET/HEAD of static files: explicit routes first, then a directory that requests cannot leave.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { createReadStream, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export interface StaticOptions {
  staticDir?: string;
  staticFiles?: Record<string, string>;
}

function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Serves the file for the path; false when there is none (the caller answers 404). */
export async function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  options: StaticOptions,
  extraHeaders: OutgoingHttpHeaders,
): Promise<boolean> {
  const found = await findFile(pathname, options);
  if (!found) return false;
  res.writeHead(200, {
    ...extraHeaders,
    'Content-Type': contentTypeOf(found.path),
    'Content-Length': found.stats.size,
    'Cache-Control': 'no-store',
  });
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  pipeline(createReadStream(found.path), res, () => undefined);
  return true;
}

interface FoundFile {
  path: string;
  stats: Stats;
}

async function findFile(pathname: string, options: StaticOptions): Promise<FoundFile | undefined> {
  const decoded = safeDecode(pathname);
  if (decoded === undefined) return undefined;
  const routed = options.staticFiles?.[decoded] ?? options.staticFiles?.[pathname];
  if (routed !== undefined) return regularFile(routed);
  if (options.staticDir === undefined) return undefined;
  const inside = resolveInside(options.staticDir, decoded);
  if (inside === undefined) return undefined;
  return (await regularFile(inside)) ?? (await regularFile(join(inside, 'index.html')));
}

/** The file for a URL path under root, or undefined when the path would leave root. */
function resolveInside(root: string, urlPath: string): string | undefined {
  if (urlPath.includes('\0')) return undefined;
  const base = resolve(root);
  const target = resolve(base, `.${urlPath.startsWith('/') ? '' : '/'}${urlPath}`);
  const rel = relative(base, target);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return target;
}

function safeDecode(pathname: string): string | undefined {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
}

async function regularFile(path: string): Promise<FoundFile | undefined> {
  try {
    const stats = await stat(path);
    return stats.isFile() ? { path, stats } : undefined;
  } catch {
    return undefined;
  }
}
