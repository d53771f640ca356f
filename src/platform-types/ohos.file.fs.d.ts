// api/@ohos.file.fs.d.ts (API 12)
declare module '@ohos.file.fs' {
  import { AsyncCallback } from '@ohos.base';

  namespace fileIo {
    export { access };
    export { copyFile };
    export { lstat };
    export { mkdir };
    export { rmdir };
    export { stat };
    export { unlink };
    export type { Stat };
    export { AccessModeType };
  }
  export default fileIo;

  function access(path: string, mode?: AccessModeType): Promise<boolean>;
  function copyFile(src: string | number, dest: string | number, mode?: number): Promise<void>;
  function lstat(path: string): Promise<Stat>;
  function mkdir(path: string, recursion: boolean): Promise<void>;
  function rmdir(path: string): Promise<void>;
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
}
