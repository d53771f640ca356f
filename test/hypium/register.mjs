// node --import tsx --import ./test/hypium/register.mjs test/hypium/run.ts
// (tsx loads the emulation and the server, which are TypeScript; resolve.mjs binds the module names.)
import { register } from 'node:module';

register('./resolve.mjs', import.meta.url);
