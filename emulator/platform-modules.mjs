// Where the platform module names the library imports are bound under Node: to this emulation.
// Used by vitest (resolve.alias) and by node-register.mjs (the demo, the hypium runner).
const here = (path) => new URL(path, import.meta.url);

export const platformModules = {
  '@kit.BasicServicesKit': here('./kits/BasicServicesKit.ts'),
  '@kit.CoreFileKit': here('./kits/CoreFileKit.ts'),
  '@kit.AbilityKit': here('./kits/AbilityKit.ts'),
  '@kit.NetworkKit': here('./kits/NetworkKit.ts'),
  '@kit.ArkWeb': here('./kits/ArkWeb.ts'),
  '@ohos.request': here('./ohos.request/index.ts'),
  '@ohos.file.fs': here('./ohos.file.fs/index.ts'),
  '@ohos.net.http': here('./ohos.net.http/index.ts'),
  '@ohos.web.webview': here('./ohos.web.webview/index.ts'),
};
