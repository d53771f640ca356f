// api/@ohos.file.fs.d.ts (API 12)
declare module '@ohos.file.fs' {
  import { AsyncCallback } from '@ohos.base';

  namespace fileIo {
    export { access };
    export { close };
    export { copyFile };
    export { fsync };
    export { listFile };
    export { lstat };
    export { mkdir };
    export { open };
    export { readText };
    export { rename };
    export { rmdir };
    export { stat };
    export { unlink };
    export { write };
    export type { File };
    export type { ListFileOptions };
    export type { ReadTextOptions };
    export type { Stat };
    export type { WriteOptions };
    export { AccessModeType };
    export { OpenMode };

    namespace OpenMode {
      const READ_ONLY = 0o0;
      const WRITE_ONLY = 0o1;
      const CREATE = 0o100;
      const TRUNC = 0o1000;
    }
  }
  export default fileIo;

  function access(path: string, mode?: AccessModeType): Promise<boolean>;
  function close(file: number | File): Promise<void>;
  function copyFile(src: string | number, dest: string | number, mode?: number): Promise<void>;
  function listFile(path: string, options?: ListFileOptions): Promise<string[]>;
  function lstat(path: string): Promise<Stat>;
  function mkdir(path: string, recursion: boolean): Promise<void>;
  function fsync(fd: number): Promise<void>;
  function open(path: string, mode?: number): Promise<File>;
  function readText(filePath: string, options?: ReadTextOptions): Promise<string>;
  function rename(oldPath: string, newPath: string): Promise<void>;
  function rmdir(path: string): Promise<void>;
  function stat(file: string | number): Promise<Stat>;
  function unlink(path: string): Promise<void>;
  function unlink(path: string, callback: AsyncCallback<void>): void;
  function write(fd: number, buffer: ArrayBuffer | string, options?: WriteOptions): Promise<number>;

  interface Options {
    encoding?: string;
  }
  interface ReadOptions {
    offset?: number;
    length?: number;
  }
  interface ReadTextOptions extends ReadOptions {
    encoding?: string;
  }
  interface WriteOptions extends Options {
    offset?: number;
    length?: number;
  }

  interface ListFileOptions {
    recursion?: boolean;
    listNum?: number;
  }

  interface File {
    readonly fd: number;
  }

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
}
