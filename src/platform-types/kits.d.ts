// kits/@kit.*.d.ts (API 12): the kit modules re-export the @ohos.* modules the library uses.
declare module '@kit.BasicServicesKit' {
  import { AsyncCallback, BusinessError, Callback } from '@ohos.base';
  import request from '@ohos.request';
  export { AsyncCallback, BusinessError, Callback, request };
}
declare module '@kit.CoreFileKit' {
  import fileIo from '@ohos.file.fs';
  export { fileIo };
}
declare module '@kit.AbilityKit' {
  import common from '@ohos.app.ability.common';
  export { common };
}
declare module '@kit.NetworkKit' {
  import http from '@ohos.net.http';
  export { http };
}
declare module '@kit.ArkWeb' {
  import webview from '@ohos.web.webview';
  export { webview };
}
