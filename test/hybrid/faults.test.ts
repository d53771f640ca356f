/** The shared server-fault cases on the hybrid page path, in Chromium. */
import { describe, it } from 'vitest';
import { faultCases } from '../contract/faults';
import type { FaultProfile } from '../contract/faults';
import { usePageTarget } from './target';

/**
 * What browsers do (the Fetch standard): 301/302 turn a POST into a GET without a body, 307/308 send the
 * body again. Chromium re-sends by itself in one case: a request on a reused keep-alive connection that
 * fails before any response goes again, once, on a new connection; so the server may count one request
 * more than the library made (transport.test.ts counts the library's own attempts, its XHRs).
 */
const profile: FaultProfile = {
  redirects: { 301: 'asGet', 302: 'asGet', 307: 'resent', 308: 'resent' },
  platformRetries: true,
};

describe('server faults on the hybrid page path in Chromium', () => {
  const suite = usePageTarget();
  for (const c of faultCases(() => profile)) it(c.name, () => c.run(suite.target));
});
