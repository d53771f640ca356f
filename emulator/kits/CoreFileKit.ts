/** `@kit.CoreFileKit` of the emulated device: re-exports the emulated `@ohos.file.fs`. */
import fileIo from '../ohos.file.fs/index';

export { fileIo };
