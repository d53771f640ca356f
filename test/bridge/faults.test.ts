/** The shared server-fault cases over the bridge. */
import { describe, it } from 'vitest';
import { faultCases } from '../contract/faults';
import type { FaultProfile } from '../contract/faults';
import { useBridgeTarget } from './target';

/** The native side is request.agent: its redirect behaviour, no retries of its own. */
const profile: FaultProfile = {
  redirects: { 301: 'asGet', 302: 'asGet', 307: 'resent', 308: 'resent' },
  platformRetries: false,
};

describe('server faults over the bridge', () => {
  const suite = useBridgeTarget();
  for (const c of faultCases(() => profile)) it(c.name, () => c.run(suite.target));
});
