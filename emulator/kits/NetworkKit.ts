/** `@kit.NetworkKit` of the emulated device: re-exports the emulated `@ohos.net.http`. */
import http from '../ohos.net.http/index';

export { http };
