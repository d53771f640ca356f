/**
 * The `@ohos.request` module of the emulated device (vitest aliases '@ohos.request' here): `uploadFile`
 * (API 9) and the upload side of `request.agent` (API 10+), over real HTTP. See docs/platform/ohos.request.md.
 */
import type RequestModule from '@ohos.request';
import { Action, Faults, Mode, Network, State } from './agent-enums';
import { create, getTask, remove, search, show, touch } from './agent-task';
import { RequestErrorCode } from '../errors';
import { uploadFile } from './upload-task';

const agent: typeof RequestModule.agent = {
  Action,
  Mode,
  Network,
  State,
  Faults,
  create,
  remove,
  show,
  touch,
  search,
  getTask,
};

const request: typeof RequestModule = {
  EXCEPTION_PERMISSION: RequestErrorCode.PERMISSION,
  EXCEPTION_PARAMCHECK: RequestErrorCode.PARAMCHECK,
  EXCEPTION_UNSUPPORTED: RequestErrorCode.UNSUPPORTED,
  EXCEPTION_FILEIO: RequestErrorCode.FILEIO,
  EXCEPTION_FILEPATH: RequestErrorCode.FILEPATH,
  EXCEPTION_SERVICE: RequestErrorCode.SERVICE,
  EXCEPTION_OTHERS: RequestErrorCode.OTHERS,
  uploadFile,
  agent,
};

export default request;
