// api/@ohos.app.ability.common.d.ts, api/application/BaseContext.d.ts, api/application/Context.d.ts,
// api/bundleManager/ApplicationInfo.d.ts, api/application/ApplicationContext.d.ts,
// api/@ohos.app.ability.ApplicationStateChangeCallback.d.ts (API 12).
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
    getApplicationContext(): _ApplicationContext;
  }
  class _ApplicationStateChangeCallback {
    onApplicationForeground(): void;
    onApplicationBackground(): void;
  }
  class _ApplicationContext extends _Context {
    on(type: 'applicationStateChange', callback: _ApplicationStateChangeCallback): void;
    off(type: 'applicationStateChange', callback?: _ApplicationStateChangeCallback): void;
  }
  namespace common {
    export type BaseContext = _BaseContext;
    export type Context = _Context;
    export type ApplicationContext = _ApplicationContext;
  }
  export default common;
}
