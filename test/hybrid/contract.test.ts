/** The shared upload contract on the hybrid page path: web data uploaded with XHR in headless Chromium. */
import { describe, it } from 'vitest';
import { contractCases } from '../contract/cases';
import { usePageTarget } from './target';

describe('hybrid page path in Chromium', () => {
  const suite = usePageTarget();
  for (const c of contractCases) it(c.name, () => c.run(suite.target));
});
