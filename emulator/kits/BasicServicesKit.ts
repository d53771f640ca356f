/** `@kit.BasicServicesKit` of the emulated device: re-exports the emulated `@ohos.request`. */
import request from '../ohos.request/index';

export type { AsyncCallback, BusinessError, Callback } from '@ohos.base';
export { request };
