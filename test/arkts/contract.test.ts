/** The shared upload contract on the ArkTS target, over each engine: @ohos.net.http, request.agent, request.uploadFile. */
import { describe, it } from 'vitest';
import { contractCases } from '../contract/cases';
import { useArktsTarget } from './target';

describe.each(['http', 'agent', 'uploadFile'] as const)('ArkTS target on %s', (backend) => {
  const suite = useArktsTarget({ backend });
  for (const c of contractCases) it(c.name, () => c.run(suite.target));
});
