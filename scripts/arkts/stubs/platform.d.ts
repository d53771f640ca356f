// Platform modules the repository's .ets files use beyond what the library declares for itself in
// src/platform-types (request, file.fs, webview, common.Context, the kits that export them). Trimmed
// from the API 12 SDK (api/@ohos.*.d.ts, api/application/*.d.ts, kits/@kit.*.d.ts): the SDK's names
// and types, only the members used, one @throws tag where the SDK has them (the ArkTS checker asks
// for try/catch around calls of functions that document @throws). Only for `npm run lint:arkts`;
// the ArkTS SDK check (docs/deveco.md) checks the same files against the real SDK.

// --- api/@ohos.app.ability.*.d.ts, api/application/UIAbilityContext.d.ts
declare module '@ohos.app.ability.Want' {
  export default class Want {
    bundleName?: string;
    abilityName?: string;
    moduleName?: string;
  }
}
declare module '@ohos.app.ability.AbilityConstant' {
  namespace AbilityConstant {
    export interface LaunchParam {
      launchReason: LaunchReason;
    }
    export enum LaunchReason {
      UNKNOWN = 0,
      START_ABILITY = 1,
      CALL = 2,
      CONTINUATION = 3,
      APP_RECOVERY = 4,
      SHARE = 5,
      AUTO_STARTUP = 8,
      INSIGHT_INTENT = 9,
    }
  }
  export default AbilityConstant;
}
declare module '@ohos.app.ability.UIAbility' {
  import AbilityConstant from '@ohos.app.ability.AbilityConstant';
  import common from '@ohos.app.ability.common';
  import Want from '@ohos.app.ability.Want';
  import window from '@ohos.window';

  /** application/UIAbilityContext.d.ts: `class UIAbilityContext extends Context`. */
  interface UIAbilityContext extends common.Context {}

  export default class UIAbility {
    context: UIAbilityContext;
    onCreate(want: Want, launchParam: AbilityConstant.LaunchParam): void;
    onWindowStageCreate(windowStage: window.WindowStage): void;
  }
}
declare module '@kit.AbilityKit' {
  import AbilityConstant from '@ohos.app.ability.AbilityConstant';
  import UIAbility from '@ohos.app.ability.UIAbility';
  import Want from '@ohos.app.ability.Want';
  export { AbilityConstant, UIAbility, Want };
}

// --- api/@ohos.window.d.ts, kits/@kit.ArkUI.d.ts (window; UIContext's router for pages)
declare module '@ohos.window' {
  import { AsyncCallback } from '@ohos.base';
  namespace window {
    export interface WindowStage {
      loadContent(path: string, callback: AsyncCallback<void>): void;
    }
  }
  export default window;
}
declare module '@ohos.router' {
  namespace router {
    export interface RouterOptions {
      url: string;
      params?: Object;
    }
  }
  export default router;
}
declare module '@ohos.arkui.UIContext' {
  import router from '@ohos.router';
  export class Router {
    /** @throws { BusinessError } 401 - Parameter error. */
    pushUrl(options: router.RouterOptions): Promise<void>;
  }
  export class UIContext {
    getRouter(): Router;
  }
}
declare module '@kit.ArkUI' {
  import window from '@ohos.window';
  export { window };
}

// --- api/@ohos.hilog.d.ts (the SDK types the format arguments any[]; unknown[] accepts the same)
declare module '@ohos.hilog' {
  namespace hilog {
    export function info(domain: number, tag: string, format: string, ...args: unknown[]): void;
    export function error(domain: number, tag: string, format: string, ...args: unknown[]): void;
  }
  export default hilog;
}
declare module '@kit.PerformanceAnalysisKit' {
  import hilog from '@ohos.hilog';
  export { hilog };
}

// --- api/@ohos.security.cryptoFramework.d.ts
declare module '@ohos.security.cryptoFramework' {
  namespace cryptoFramework {
    export interface DataBlob {
      data: Uint8Array;
    }
    export interface Md {
      /** @throws { BusinessError } 401 - invalid parameters. */
      update(input: DataBlob): Promise<void>;
      /** @throws { BusinessError } 17620001 - memory error. */
      digest(): Promise<DataBlob>;
      getMdLength(): number;
      readonly algName: string;
    }
    /** @throws { BusinessError } 401 - invalid parameters. */
    export function createMd(algName: string): Md;
  }
  export default cryptoFramework;
}
declare module '@kit.CryptoArchitectureKit' {
  import cryptoFramework from '@ohos.security.cryptoFramework';
  export { cryptoFramework };
}

// --- api/@ohos.app.ability.abilityDelegatorRegistry.d.ts, api/application/AbilityDelegator.d.ts,
// api/application/abilityDelegatorArgs.d.ts, api/@ohos.application.testRunner.d.ts, kits/@kit.TestKit.d.ts
declare module '@ohos.app.ability.abilityDelegatorRegistry' {
  import common from '@ohos.app.ability.common';
  namespace abilityDelegatorRegistry {
    export interface AbilityDelegator {
      getAppContext(): common.Context;
    }
    export interface AbilityDelegatorArgs {
      bundleName: string;
      parameters: Record<string, string>;
      testCaseNames: string;
      testRunnerClassName: string;
    }
    export function getAbilityDelegator(): AbilityDelegator;
    export function getArguments(): AbilityDelegatorArgs;
  }
  export default abilityDelegatorRegistry;
}
declare module '@ohos.application.testRunner' {
  export default interface TestRunner {
    onPrepare(): void;
    onRun(): void;
  }
}
declare module '@kit.TestKit' {
  import abilityDelegatorRegistry from '@ohos.app.ability.abilityDelegatorRegistry';
  import TestRunner from '@ohos.application.testRunner';
  export { abilityDelegatorRegistry, TestRunner };
}
