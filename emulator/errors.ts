/**
 * BusinessError values as the platform creates them: an `Error` with a numeric `code`
 * (`@ohos.base` BusinessError). The request module builds its message as "<text of the code>   <detail>"
 * (request_request `frameworks/js/napi/request/src/napi_utils.cpp`, `CreateBusinessError`).
 */
import type { BusinessError } from '@ohos.base';

export class EmulatedBusinessError extends Error implements BusinessError {
  readonly code: number;

  constructor(code: number, message: string) {
    super(message);
    this.name = 'BusinessError';
    this.code = code;
  }
}

/**
 * Error codes of `@ohos.request` (SDK constants and `errorcode-request.md`; docs/platform/ohos.request.md §1,
 * "Error constants").
 */
export const RequestErrorCode = {
  PERMISSION: 201,
  PARAMCHECK: 401,
  UNSUPPORTED: 801,
  FILEIO: 13400001,
  FILEPATH: 13400002,
  SERVICE: 13400003,
  OTHERS: 13499999,
  TASK_QUEUE: 21900004,
  TASK_MODE: 21900005,
  TASK_NOT_FOUND: 21900006,
  TASK_STATE: 21900007,
} as const;

/** The texts the module puts before the detail (request_request `common/include/constant.h`). */
const REQUEST_ERROR_TEXT: Readonly<Record<number, string>> = {
  201: 'the permissions check fails',
  401: 'the parameters check fails',
  801: 'call unsupported api',
  13400001: 'file operation error',
  13400002: 'bad file path',
  13400003: 'task service ability error',
  13499999: 'other error',
  21900004: 'the application task queue is full',
  21900005: 'task mode error',
  21900006: 'task not found',
  21900007: 'task state error',
};

export function requestError(code: number, detail: string): EmulatedBusinessError {
  const text = REQUEST_ERROR_TEXT[code] ?? '';
  return new EmulatedBusinessError(code, detail === '' ? text : `${text}   ${detail}`);
}

/** File-management error codes and texts (SDK `@ohos.file.fs.d.ts` @throws lists). */
export const FILE_IO_ERRORS = {
  EPERM: [13900001, 'Operation not permitted'],
  ENOENT: [13900002, 'No such file or directory'],
  EINTR: [13900004, 'Interrupted system call'],
  EIO: [13900005, 'I/O error'],
  EBADF: [13900008, 'Bad file descriptor'],
  EAGAIN: [13900010, 'Try again'],
  ENOMEM: [13900011, 'Out of memory'],
  EACCES: [13900012, 'Permission denied'],
  EFAULT: [13900013, 'Bad address'],
  EBUSY: [13900014, 'Device or resource busy'],
  EEXIST: [13900015, 'File exists'],
  EXDEV: [13900016, 'Cross-device link'],
  ENOTDIR: [13900018, 'Not a directory'],
  EISDIR: [13900019, 'Is a directory'],
  EINVAL: [13900020, 'Invalid argument'],
  ENFILE: [13900021, 'File table overflow'],
  EMFILE: [13900022, 'Too many open files'],
  EFBIG: [13900024, 'File too large'],
  ENOSPC: [13900025, 'No space left on device'],
  EROFS: [13900027, 'Read-only file system'],
  EMLINK: [13900028, 'Too many links'],
  ENAMETOOLONG: [13900030, 'File name too long'],
  ENOTEMPTY: [13900032, 'Directory not empty'],
  ELOOP: [13900033, 'Too many symbolic links encountered'],
  EOVERFLOW: [13900038, 'Value too large for defined data type'],
  UNKNOWN: [13900042, 'Unknown error'],
} as const satisfies Record<string, readonly [number, string]>;

export type FileIoErrorName = keyof typeof FILE_IO_ERRORS;

export function fileIoError(name: FileIoErrorName): EmulatedBusinessError {
  const [code, message] = FILE_IO_ERRORS[name];
  return new EmulatedBusinessError(code, message);
}

/** The file-management BusinessError of a code of the table; undefined for another code. */
export function fileIoErrorOfCode(code: number): EmulatedBusinessError | undefined {
  const entry = Object.values(FILE_IO_ERRORS).find(([c]) => c === code);
  return entry && new EmulatedBusinessError(entry[0], entry[1]);
}

/** Maps a Node.js system error (its `code`, e.g. 'ENOENT') to the file-management BusinessError. */
export function fileIoErrorFromNode(error: unknown): EmulatedBusinessError {
  const code = errnoCode(error);
  return fileIoError(code !== undefined && isFileIoErrorName(code) ? code : 'UNKNOWN');
}

function isFileIoErrorName(name: string): name is FileIoErrorName {
  return Object.keys(FILE_IO_ERRORS).includes(name);
}

export function errnoCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
