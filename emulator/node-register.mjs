// node --import tsx --import ./emulator/node-register.mjs app.ts
// binds @kit.* / @ohos.* imports to the @ohos.request emulation.
import { register } from 'node:module';

register('./node-resolve.mjs', import.meta.url);
