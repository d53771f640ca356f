// api/@ohos.app.ability.common.d.ts, api/application/BaseContext.d.ts, api/application/Context.d.ts (API 12).
declare module '@ohos.app.ability.common' {
  abstract class BaseContext {
    stageMode: boolean;
  }
  class Context extends BaseContext {
    cacheDir: string;
    tempDir: string;
    filesDir: string;
  }
  namespace common {
    export type BaseContext = BaseContext;
    export type Context = Context;
  }
  export default common;
}

