// api/@ohos.file.fs.d.ts (API 12). Replaces src/platform-types/ohos.file.fs.d.ts in the ArkTS program
// (declarationFiles() in ../program.mjs): that module's namespace is not exported by name, so it
// cannot be merged with. The library's members first (as declared there), then those the app and the
// device-side test files use; one @throws tag where the SDK has them.
declare module '@ohos.file.fs' {
  import { AsyncCallback } from '@ohos.base';

  namespace fileIo {
    export { access };
    export { copyFile };
    export { lstat };
    export { mkdir };
    export { stat };
    export { unlink };
    export type { Stat };
    export { AccessModeType };

    export { open };
    export { openSync };
    export { write };
    export { writeSync };
    export { close };
    export { closeSync };
    export type { File };
    export type { WriteOptions };
    export { OpenMode };
  }
  export default fileIo;

  function access(path: string, mode?: AccessModeType): Promise<boolean>;
  function copyFile(src: string | number, dest: string | number, mode?: number): Promise<void>;
  function lstat(path: string): Promise<Stat>;
  function mkdir(path: string, recursion: boolean): Promise<void>;
  function stat(file: string | number): Promise<Stat>;
  function unlink(path: string): Promise<void>;
  function unlink(path: string, callback: AsyncCallback<void>): void;

  interface Stat {
    readonly mode: number;
    readonly size: number;
    readonly mtime: number;
    isDirectory(): boolean;
    isFile(): boolean;
    isSymbolicLink(): boolean;
  }

  enum AccessModeType {
    EXIST = 0,
    WRITE = 2,
    READ = 4,
    READ_WRITE = 6
  }

  /** @throws { BusinessError } 13900001 - Operation not permitted */
  function open(path: string, mode?: number): Promise<File>;
  /** @throws { BusinessError } 13900001 - Operation not permitted */
  function openSync(path: string, mode?: number): File;
  /** @throws { BusinessError } 13900001 - Operation not permitted */
  function write(fd: number, buffer: ArrayBuffer | string, options?: WriteOptions): Promise<number>;
  /** @throws { BusinessError } 13900001 - Operation not permitted */
  function writeSync(fd: number, buffer: ArrayBuffer | string, options?: WriteOptions): number;
  /** @throws { BusinessError } 13900004 - Interrupted system call */
  function close(file: number | File): Promise<void>;
  /** @throws { BusinessError } 13900004 - Interrupted system call */
  function closeSync(file: number | File): void;

  interface File {
    readonly fd: number;
    readonly path: string;
    readonly name: string;
  }

  export interface WriteOptions {
    offset?: number;
    length?: number;
  }

  namespace OpenMode {
    const READ_ONLY = 0o0;
    const WRITE_ONLY = 0o1;
    const READ_WRITE = 0o2;
    const CREATE = 0o100;
    const TRUNC = 0o1000;
    const APPEND = 0o2000;
  }
}
