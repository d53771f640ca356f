/** Server faults and retries on the ArkTS target, over each engine. */
import { describe, it } from 'vitest';
import { faultCases } from '../contract/faults';
import type { FaultProfile } from '../contract/faults';
import { useArktsTarget } from './target';

/**
 * Both @ohos.request APIs share the request service's HTTP client: 307/308 are followed with the body,
 * 301/302 as GET (which the upload URL answers with 405: a success with that status on request.agent, a
 * failure on request.uploadFile, which withholds error statuses). request.uploadFile's background tasks
 * also retry network failures by themselves. @ohos.net.http's libcurl follows 301/302 with the same method
 * and no body (the upload URL answers 400: no form).
 */
const profiles: Record<'http' | 'agent' | 'uploadFile', FaultProfile> = {
  http: { redirects: { 301: 'bodyless', 302: 'bodyless', 307: 'resent', 308: 'resent' }, platformRetries: false },
  agent: { redirects: { 301: 'asGet', 302: 'asGet', 307: 'resent', 308: 'resent' }, platformRetries: false },
  uploadFile: { redirects: { 301: 'fails', 302: 'fails', 307: 'resent', 308: 'resent' }, platformRetries: true },
};

describe.each(['http', 'agent', 'uploadFile'] as const)('faults on %s', (backend) => {
  const suite = useArktsTarget({ backend });
  for (const c of faultCases(() => profiles[backend])) it(c.name, () => c.run(suite.target));
});
