/**
 * The `@ohos.request` module of the emulated device (vitest aliases '@ohos.request' here): `uploadFile`
 * (API 9) and the upload side of `request.agent` (API 10+), over real HTTP. See docs/platform/ohos.request.md.
 */
import type RequestModule from '@ohos.request';
import { Action, Faults, Mode, Network, State } from './agent-enums';
import * as local from './agent-task';
import * as remote from './agent-remote';
import { deviceDirOfProcess } from '../device/env';
import { RequestErrorCode } from '../errors';
import { uploadFile } from './upload-task';

// In an app process of an emulated device (emulator/device.ts) the tasks run in the device's request
// service process; elsewhere (tests, the demo, benchmarks) the service runs in this process.
const service = deviceDirOfProcess() === undefined ? local : remote;

const agent: typeof RequestModule.agent = {
  Action,
  Mode,
  Network,
  State,
  Faults,
  create: service.create,
  remove: service.remove,
  show: service.show,
  touch: service.touch,
  search: service.search,
  getTask: service.getTask,
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
