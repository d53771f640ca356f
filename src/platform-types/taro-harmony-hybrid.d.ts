/**
 * The module of `@tarojs/plugin-platform-harmony-hybrid` that a harmony-hybrid build binds `@tarojs/taro`
 * to (docs/platform/taro.md), declared with only what src/taro/hybrid.ts reads. The package ships its own
 * declarations; an app's compiler reads those instead.
 */
declare module '@tarojs/plugin-platform-harmony-hybrid/dist/runtime/apis/index.js' {
  /** Taro's object: `import Taro from '@tarojs/taro'`. */
  const taro: object;
  export default taro;
  export const getEnv: unknown;
  export const request: unknown;
}
