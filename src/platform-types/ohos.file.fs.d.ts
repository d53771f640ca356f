// api/@ohos.file.fs.d.ts (API 12)
declare module '@ohos.file.fs' {
  import { AsyncCallback } from '@ohos.base';

  declare namespace fileIo {
    export { access };
    export { copyFile };
    export { lstat };
    export { mkdir };
    export { stat };
    export { unlink };
    export type { Stat };
    export { AccessModeType };
  }
  export default fileIo;

  declare function access(path: string, mode?: AccessModeType): Promise<boolean>;
  declare function copyFile(src: string | number, dest: string | number, mode?: number): Promise<void>;
  declare function lstat(path: string): Promise<Stat>;
  declare function mkdir(path: string, recursion: boolean): Promise<void>;
  declare function stat(file: string | number): Promise<Stat>;
  declare function unlink(path: string): Promise<void>;
  declare function unlink(path: string, callback: AsyncCallback<void>): void;

  declare interface Stat {
    readonly mode: number;
    readonly size: number;
    readonly mtime: number;
    isDirectory(): boolean;
    isFile(): boolean;
    isSymbolicLink(): boolean;
  }

  declare enum AccessModeType {
    EXIST = 0,
    WRITE = 2,
    READ = 4,
    READ_WRITE = 6
  }
}
