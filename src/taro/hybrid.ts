/**
 * `harmony-upload-task/taro/hybrid`: what `@tarojs/taro` is in a Taro harmony-hybrid build, with this
 * library's uploadFile in place of Taro's. An app's `h5.webpackChain` aliases `@tarojs/taro` to this module
 * (docs/taro.md).
 *
 * In that build every `Taro.uploadFile(...)` of the app is compiled to the named import `uploadFile` of the
 * module `@tarojs/taro` is aliased to, Taro's harmony-hybrid API module (docs/platform/taro.md). So this
 * module re-exports that one, whose own path the alias does not match, and shadows its uploadFile: a local
 * export takes precedence over `export *`.
 */
/// <reference path="../platform-types/taro-harmony-hybrid.d.ts" />
import * as wrapped from '@tarojs/plugin-platform-harmony-hybrid/dist/runtime/apis/index.js';
import { uploadFile } from '../hybrid/index';

const WRAPPED = '@tarojs/plugin-platform-harmony-hybrid/dist/runtime/apis/index.js';

// Taro's API module, as in @tarojs/plugin-platform-harmony-hybrid 4.1: Taro's object and its named APIs.
// Anything else at that path (a Taro version that moved the module) would break every API of the app.
const missing = [
  typeof wrapped.default === 'object' && wrapped.default !== null ? '' : 'the default export (Taro)',
  typeof wrapped.getEnv === 'function' ? '' : 'getEnv',
  typeof wrapped.request === 'function' ? '' : 'request',
].filter((name) => name !== '');
if (missing.length > 0) {
  throw new Error(
    `harmony-upload-task/taro/hybrid: ${WRAPPED} is not Taro's harmony-hybrid API module: it lacks ${missing.join(', ')}. ` +
      'This module wraps @tarojs/plugin-platform-harmony-hybrid 4.1; with another version, see "Taro" in the README of harmony-upload-task.',
  );
}

export * from '@tarojs/plugin-platform-harmony-hybrid/dist/runtime/apis/index.js';
export { default } from '@tarojs/plugin-platform-harmony-hybrid/dist/runtime/apis/index.js';
export { uploadFile };
