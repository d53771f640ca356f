/** The platform-free core: every target's uploadFile is built from these pieces. */
export * from './types';
export { API_NAME, OK_MSG, failMsg, Reason, typeName, describeThrown, parameterError, wrongType } from './errors';
export { normalizeOptions, stringPathRules, DEFAULT_TIMEOUT } from './options';
export type { FormField, UploadRequest, SourceRules, NormalizedRetry } from './options';
export { contentTypeOf, baseName } from './mime';
export { ListenerRegistry } from './registry';
export { ProgressReducer } from './progress';
export { Scheduler, DEFAULT_MAX_CONCURRENT } from './scheduler';
export { createUploadEngine } from './task';
export type { UploadEngine, EngineStats } from './task';
export type { Transport, TransportSink, TransportHandle, TransportResponse } from './transport';
