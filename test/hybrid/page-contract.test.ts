/** The shared upload contract on the hybrid page path: web data uploaded with XHR in headless Chromium. */
import { beforeAll, describe, it } from 'vitest';
import { contractCases } from '../contract/cases';
import type { ContractTarget } from '../contract/cases';
import { pageTarget } from './page-target';
import { usePageSuite } from './suite';

describe('hybrid page path in Chromium', () => {
  const suite = usePageSuite();
  let target: ContractTarget;

  beforeAll(async () => {
    target = await pageTarget(suite.harness, suite.server);
  });

  for (const c of contractCases) {
    it(c.name, () => c.run(target));
  }
});
