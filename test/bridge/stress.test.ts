/** Abort storms, load and leaks over the bridge. */
import { describe, it } from 'vitest';
import { stressCases } from '../contract/stress';
import { useBridgeTarget } from './target';

describe('load and aborts over the bridge', () => {
  const suite = useBridgeTarget();
  for (const c of stressCases({ storm: 300, sequential: 1000, parallel: 200 })) {
    it(c.name, () => c.run(suite.target), 120000);
  }
});
