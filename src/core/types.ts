/**
 * The public shapes of uploadFile / UploadTask, the same on every target.
 * They follow the mini-program contract (WeChat `wx.uploadFile`, `Taro.uploadFile`).
 */

/** Response and request headers: lower-cased names on responses, values joined with ", ". */
export type HeaderRecord = Record<string, string>;

/** A formData value; anything that is not a string is sent as its JSON text, as mini-program hosts do. */
export type FormDataValue = string | number | boolean | null | undefined | object;

export interface UploadFileSuccessResult {
  /** The response body as text, never parsed. */
  data: string;
  /** The HTTP status. 4xx and 5xx are successes too: check it. */
  statusCode: number;
  /** The response headers, names lower-cased. */
  header: HeaderRecord;
  /** Always `uploadFile:ok`. */
  errMsg: string;
}

/**
 * The success of a background upload that ended while no process of the app was running, learned later
 * from what the system's request service kept (restoreUploads()): the headers of the last answer, and no
 * `statusCode` or `data`, which the service does not keep (docs/background.md).
 */
export interface UploadFileLateSuccessResult {
  /** Always `uploadFile:ok`. */
  errMsg: string;
  /** The response headers the service kept, names lower-cased. */
  header: HeaderRecord;
  /** Learned after the fact. */
  afterTheFact: true;
}

export interface UploadFileFailResult {
  /** `uploadFile:fail <reason>`, e.g. `uploadFile:fail abort`, `uploadFile:fail timeout`. */
  errMsg: string;
  /** Present on a restored background upload that failed while no process of the app was running. */
  afterTheFact?: true;
}

export type UploadFileCompleteResult = UploadFileSuccessResult | UploadFileFailResult;

export interface ProgressUpdate {
  /** Integer percent, 0 to 100, never decreasing; 100 only once the server's answer is in. */
  progress: number;
  /** File bytes sent so far (of every file, with `files`). */
  totalBytesSent: number;
  /** The file's size in bytes; with `files`, the sum of their sizes. */
  totalBytesExpectedToSend: number;
}

export interface HeadersReceived {
  header: HeaderRecord;
}

export type ProgressListener = (update: ProgressUpdate) => void;
export type HeadersListener = (event: HeadersReceived) => void;

/** Retries for network failures that happen before any response; never after one, never after abort. */
export interface RetryOptions {
  /** How many more attempts after the first one (0 to 10). */
  count: number;
  /** Milliseconds before the first retry, doubled for each next one. Default 1000. */
  backoff?: number;
}

/** One file of an upload that sends several (`files`). */
export interface UploadFileEntry<Source = string> {
  /** The multipart field name of this file; entries may share one, and each is sent. */
  name: string;
  /** The file, in any form `filePath` takes on the target. */
  filePath: Source;
  /** The file name sent in its part; default the last segment of filePath. */
  fileName?: string;
}

export interface UploadFileOptions<Source = string> {
  /** The server's http(s) URL. */
  url: string;
  /** The file to send; required unless `files` lists them. */
  filePath?: Source;
  /** The multipart field name of the file; required with `filePath`. */
  name?: string;
  /**
   * Several files sent in one multipart request, each part in this order (at most 100). Instead of
   * `filePath`, `name` and `fileName`: giving both forms is a parameter error. Background mode takes one entry
   * only (request.agent sends a request per file).
   */
  files?: Array<UploadFileEntry<Source>>;
  /** Extra request headers. `Content-Type` is the library's own (multipart with its boundary). */
  header?: Record<string, string | number | boolean>;
  /** Extra multipart fields. */
  formData?: Record<string, FormDataValue>;
  /**
   * Milliseconds until `uploadFile:fail timeout`, counted from the moment the upload leaves the queue (the
   * file's check and any temporary copy included); default 60000. Over the bridge, the native side counts
   * it again from its own queue. In background mode it is the longest time without progress (waiting for
   * a network included), and there is none by default.
   */
  timeout?: number;
  /** The file name sent in the multipart part; default the last segment of filePath. Not with `files`. */
  fileName?: string;
  /** Off by default. */
  retry?: RetryOptions;
  /**
   * Background mode (ArkTS, and native files over the hybrid bridge): the upload runs as a task of the
   * system's request service, which goes on while the app is in the background, suspended or dead, and
   * can be found again by a later process with restoreUploads(). Default: configure()'s, else false.
   * docs/background.md.
   */
  background?: boolean;
  /**
   * Background mode only: the networks the upload may use. `'any'` (default): any, cellular included, as a
   * foreground upload does; `'wifi'`: Wi-Fi only, and on another network it waits for Wi-Fi.
   */
  network?: 'any' | 'wifi';
  /** Background mode only: the app's own label for the upload, given back by restoreUploads(). */
  tag?: string;
  /**
   * Hybrid pages only: send the WebView's cookies with an upload to another origin, and keep the
   * answer's. Web data: XMLHttpRequest's `withCredentials` (HTTP authentication too; the server must then
   * answer CORS with its own origin and `Access-Control-Allow-Credentials: true`). A native path: the
   * bridge host does the same with ArkWeb's cookie store. To the page's own origin, cookies go either way.
   * Default false. No effect in ArkTS.
   */
  withCredentials?: boolean;
  success?: (result: UploadFileSuccessResult) => void;
  fail?: (result: UploadFileFailResult) => void;
  complete?: (result: UploadFileCompleteResult) => void;
}

export interface UploadTask {
  /** Ends the upload with `uploadFile:fail abort`; idempotent, a no-op once the outcome is known. */
  abort(): void;
  onProgressUpdate(listener: ProgressListener): void;
  /** Without an argument, removes every progress listener. */
  offProgressUpdate(listener?: ProgressListener): void;
  onHeadersReceived(listener: HeadersListener): void;
  /** Without an argument, removes every headers listener. */
  offHeadersReceived(listener?: HeadersListener): void;
}

/**
 * What uploadFile returns: the task, and a promise of the success result. `progress` and `headersReceive`
 * are other names of `onProgressUpdate` and `onHeadersReceived`, as Taro's UploadTaskPromise has them.
 */
export interface UploadTaskPromise extends Promise<UploadFileSuccessResult>, UploadTask {
  progress(listener: ProgressListener): void;
  headersReceive(listener: HeadersListener): void;
}

export interface UploadSettings {
  /** Uploads that may run at once; the rest wait in order. Default 10. */
  maxConcurrent?: number;
  /** The default of every upload's `background` option. Default false. */
  background?: boolean;
}
