/**
 * The `@ohos.net.http` module of the emulated device (bound in ../platform-modules.mjs): `createHttp()`
 * and the HttpRequest's `requestInStream` with a form, over real HTTP, as OpenHarmony 5.0 (API 12) does
 * it with libcurl in the app's process. docs/platform/ohos.net.http.md has the facts and their sources.
 */
import type HttpModule from '@ohos.net.http';
import { HttpRequestEmulation } from './http-request';

const RequestMethod = Object.freeze({
  OPTIONS: 'OPTIONS',
  GET: 'GET',
  HEAD: 'HEAD',
  POST: 'POST',
  PUT: 'PUT',
  DELETE: 'DELETE',
  TRACE: 'TRACE',
  CONNECT: 'CONNECT',
}) as unknown as typeof HttpModule.RequestMethod;

const http: typeof HttpModule = {
  createHttp: () => new HttpRequestEmulation(),
  RequestMethod,
};

export default http;
