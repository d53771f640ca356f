/** The shared upload contract on the ArkTS target, over both @ohos.request APIs. */
import { describe, it } from 'vitest';
import { contractCases } from '../contract/cases';
import { useArktsTarget } from './target';

describe.each(['agent', 'uploadFile'] as const)('ArkTS target on request.%s', (backend) => {
  const suite = useArktsTarget(backend);
  for (const c of contractCases) it(c.name, () => c.run(suite.target));
});
