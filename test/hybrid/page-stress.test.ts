/** Abort storms, load and leaks on the page path, in Chromium. */
import { beforeAll, describe, it } from 'vitest';
import type { ContractTarget } from '../contract/cases';
import { stressCases } from '../contract/stress';
import { pageTarget } from './page-target';
import { usePageSuite } from './suite';

describe('load and aborts on the page path', () => {
  const suite = usePageSuite();
  let target: ContractTarget;
  beforeAll(async () => {
    target = await pageTarget(suite.harness, suite.server);
  });
  for (const c of stressCases({ storm: 300, sequential: 1000, parallel: 200 })) {
    it(c.name, () => c.run(target), 120000);
  }
});
