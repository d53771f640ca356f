// api/@ohos.app.ability.common.d.ts, api/application/BaseContext.d.ts, api/application/Context.d.ts,
// api/bundleManager/ApplicationInfo.d.ts (API 12).
declare module '@ohos.app.ability.common' {
  interface _ApplicationInfo {
    readonly name: string;
  }
  abstract class _BaseContext {
    stageMode: boolean;
  }
  class _Context extends _BaseContext {
    applicationInfo: _ApplicationInfo;
    cacheDir: string;
    tempDir: string;
    filesDir: string;
  }
  namespace common {
    export type BaseContext = _BaseContext;
    export type Context = _Context;
  }
  export default common;
}
