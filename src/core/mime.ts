/** The content type of the file part, from the file name's extension; the same on every target. */
const TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  svg: 'image/svg+xml',
  heic: 'image/heic',
  heif: 'image/heif',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  txt: 'text/plain',
  csv: 'text/csv',
  html: 'text/html',
  json: 'application/json',
  xml: 'application/xml',
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/gzip',
};

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

export function contentTypeOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  if (dot < 0) return DEFAULT_CONTENT_TYPE;
  return TYPES[fileName.slice(dot + 1).toLowerCase()] ?? DEFAULT_CONTENT_TYPE;
}

/** The last segment of a path; `file` when there is none. A file:// URI's segment is percent-decoded. */
export function baseName(path: string): string {
  const clean = path.replace(/\/+$/, '');
  const name = clean.slice(clean.lastIndexOf('/') + 1) || 'file';
  if (!path.startsWith('file://')) return name;
  try {
    return decodeURIComponent(name) || name;
  } catch (err) {
    return name;
  }
}
