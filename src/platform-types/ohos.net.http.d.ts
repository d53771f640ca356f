// api/@ohos.net.http.d.ts (API 12): what an upload with requestInStream and a form uses.
declare module '@ohos.net.http' {
  import { Callback } from '@ohos.base';

  namespace http {
    function createHttp(): HttpRequest;

    export interface HttpRequestOptions {
      method?: RequestMethod;
      header?: Object;
      readTimeout?: number;
      connectTimeout?: number;
      multiFormDataList?: Array<MultiFormData>;
    }

    export interface MultiFormData {
      name: string;
      contentType: string;
      remoteFileName?: string;
      data?: string | Object | ArrayBuffer;
      filePath?: string;
    }

    export interface HttpRequest {
      requestInStream(url: string, options?: HttpRequestOptions): Promise<number>;
      destroy(): void;
      on(type: "headersReceive", callback: Callback<Object>): void;
      off(type: "headersReceive", callback?: Callback<Object>): void;
      on(type: "dataReceive", callback: Callback<ArrayBuffer>): void;
      off(type: "dataReceive", callback?: Callback<ArrayBuffer>): void;
      on(type: 'dataSendProgress', callback: Callback<DataSendProgressInfo>): void
      off(type: 'dataSendProgress', callback?: Callback<DataSendProgressInfo>): void
    }

    export enum RequestMethod {
      POST = "POST"
    }

    export interface DataSendProgressInfo {
      sendSize: number;
      totalSize: number;
    }
  }
  export default http;
}
