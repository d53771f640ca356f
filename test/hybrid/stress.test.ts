/** Abort storms, load and leaks on the page path, in Chromium. */
import { describe, it } from 'vitest';
import { stressCases } from '../contract/stress';
import { usePageTarget } from './target';

describe('load and aborts on the page path', () => {
  const suite = usePageTarget();
  for (const c of stressCases({ storm: 300, sequential: 1000, parallel: 200 })) {
    it(c.name, () => c.run(suite.target), 120000);
  }
});
