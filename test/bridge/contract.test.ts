/** The shared upload contract over the bridge: page listeners, native uploads on request.agent. */
import { describe, it } from 'vitest';
import { contractCases } from '../contract/cases';
import { useBridgeTarget } from './target';

describe('contract over the bridge', () => {
  const suite = useBridgeTarget();
  for (const c of contractCases) it(c.name, () => c.run(suite.target));
});
