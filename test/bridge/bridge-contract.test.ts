/** The shared contract and fault cases over the bridge: page listeners, native uploads. */
import { describe, it } from 'vitest';
import { contractCases } from '../contract/cases';
import { faultCases } from '../contract/faults';
import { useBridgeTarget } from './bridge-harness';

describe('contract over the bridge', () => {
  const suite = useBridgeTarget();
  for (const c of contractCases) it(c.name, () => c.run(suite.target));
  // The native side is request.agent: its redirect behaviour, no retries of its own.
  for (const c of faultCases(() => ({
    redirects: { 301: 'asGet', 302: 'asGet', 307: 'resent', 308: 'resent' },
    platformRetries: false,
  }))) {
    it(`fault: ${c.name}`, () => c.run(suite.target));
  }
});
