// api/@ohos.request.d.ts (API 12): the upload part of the module.
declare module '@ohos.request' {
  import { AsyncCallback, Callback } from '@ohos.base';
  import common from '@ohos.app.ability.common';

  type BaseContext = common.BaseContext;

  namespace request {
    const EXCEPTION_PERMISSION: number;
    const EXCEPTION_PARAMCHECK: number;
    const EXCEPTION_UNSUPPORTED: number;
    const EXCEPTION_FILEIO: number;
    const EXCEPTION_FILEPATH: number;
    const EXCEPTION_SERVICE: number;
    const EXCEPTION_OTHERS: number;

    function uploadFile(context: BaseContext, config: UploadConfig, callback: AsyncCallback<UploadTask>): void;
    function uploadFile(context: BaseContext, config: UploadConfig): Promise<UploadTask>;

    interface File {
      filename: string;
      name: string;
      uri: string;
      type: string;
    }
    interface RequestData {
      name: string;
      value: string;
    }
    interface UploadConfig {
      url: string;
      header: Object;
      method: string;
      index?: number;
      begins?: number;
      ends?: number;
      files: Array<File>;
      data: Array<RequestData>;
    }
    interface TaskState {
      path: string;
      responseCode: number;
      message: string;
    }
    interface UploadTask {
      on(type: 'progress', callback: (uploadedSize: number, totalSize: number) => void): void;
      off(type: 'progress', callback?: (uploadedSize: number, totalSize: number) => void): void;
      on(type: 'headerReceive', callback: (header: object) => void): void;
      off(type: 'headerReceive', callback?: (header: object) => void): void;
      on(type: 'complete' | 'fail', callback: Callback<Array<TaskState>>): void;
      off(type: 'complete' | 'fail', callback?: Callback<Array<TaskState>>): void;
      delete(callback: AsyncCallback<boolean>): void;
      delete(): Promise<boolean>;
    }

    namespace agent {
      enum Action {
        DOWNLOAD,
        UPLOAD
      }
      enum Mode {
        BACKGROUND,
        FOREGROUND
      }
      enum Network {
        ANY,
        WIFI,
        CELLULAR
      }
      interface FileSpec {
        path: string;
        mimeType?: string;
        filename?: string;
        extras?: object;
      }
      interface FormItem {
        name: string;
        value: string | FileSpec | Array<FileSpec>;
      }
      interface Config {
        action: Action;
        url: string;
        title?: string;
        description?: string;
        mode?: Mode;
        overwrite?: boolean;
        method?: string;
        headers?: object;
        data?: string | Array<FormItem>;
        saveas?: string;
        network?: Network;
        metered?: boolean;
        roaming?: boolean;
        retry?: boolean;
        redirect?: boolean;
        proxy?: string;
        index?: number;
        begins?: number;
        ends?: number;
        gauge?: boolean;
        precise?: boolean;
        token?: string;
        priority?: number;
        extras?: object;
      }
      enum State {
        INITIALIZED = 0x00,
        WAITING = 0x10,
        RUNNING = 0x20,
        RETRYING = 0x21,
        PAUSED = 0x30,
        STOPPED = 0x31,
        COMPLETED = 0x40,
        FAILED = 0x41,
        REMOVED = 0x50
      }
      interface Progress {
        readonly state: State;
        readonly index: number;
        readonly processed: number;
        readonly sizes: Array<number>;
        readonly extras?: object;
      }
      enum Faults {
        OTHERS = 0xFF,
        DISCONNECTED = 0x00,
        TIMEOUT = 0x10,
        PROTOCOL = 0x20,
        PARAM = 0x30,
        FSIO = 0x40,
        DNS = 0x50,
        TCP = 0x60,
        SSL = 0x70,
        REDIRECT = 0x80
      }
      interface Filter {
        before?: number;
        after?: number;
        state?: State;
        action?: Action;
        mode?: Mode;
      }
      interface TaskInfo {
        readonly url?: string;
        readonly data?: string | Array<FormItem>;
        readonly tid: string;
        readonly action: Action;
        readonly mode: Mode;
        readonly progress: Progress;
        readonly ctime: number;
        readonly faults: Faults;
        readonly reason: string;
        readonly extras?: object;
      }
      interface HttpResponse {
        readonly version: string,
        readonly statusCode: number,
        readonly reason: string,
        readonly headers: Map<string, Array<string>>,
      }
      interface Task {
        readonly tid: string;
        config: Config;
        on(event: 'progress', callback: (progress: Progress) => void): void;
        off(event: 'progress', callback?: (progress: Progress) => void): void;
        on(event: 'completed', callback: (progress: Progress) => void): void;
        off(event: 'completed', callback?: (progress: Progress) => void): void;
        on(event: 'failed', callback: (progress: Progress) => void): void;
        off(event: 'failed', callback?: (progress: Progress) => void): void;
        on(event: 'response', callback: Callback<HttpResponse>): void;
        off(event: 'response', callback?: Callback<HttpResponse>): void;
        start(callback: AsyncCallback<void>): void;
        start(): Promise<void>;
        stop(callback: AsyncCallback<void>): void;
        stop(): Promise<void>;
      }
      function create(context: BaseContext, config: Config, callback: AsyncCallback<Task>): void;
      function create(context: BaseContext, config: Config): Promise<Task>;
      function remove(id: string, callback: AsyncCallback<void>): void;
      function remove(id: string): Promise<void>;
      function show(id: string, callback: AsyncCallback<TaskInfo>): void;
      function show(id: string): Promise<TaskInfo>;
      function touch(id: string, token: string, callback: AsyncCallback<TaskInfo>): void;
      function touch(id: string, token: string): Promise<TaskInfo>;
      function search(callback: AsyncCallback<Array<string>>): void;
      function search(filter: Filter, callback: AsyncCallback<Array<string>>): void;
      function search(filter?: Filter): Promise<Array<string>>;
      function getTask(context: BaseContext, id: string, token?: string): Promise<Task>;
    }
  }
  export default request;
}
