/**
 * Background mode keeps the whole UploadTask contract: the shared contract, source and fault cases, every
 * upload on a BACKGROUND request.agent task (configure({ background: true })), in one process. Redirects are
 * those of request.agent; unlike its foreground tasks, a background task retries network failures by itself
 * (`retry: true`), as request.uploadFile's do. A user file is uploaded from a copy (BACKGROUND tasks refuse
 * media URIs).
 */
import { beforeAll, describe, it } from 'vitest';
import { configureEmulation } from '../../emulator/control';
import { contractCases } from '../contract/cases';
import { faultCases } from '../contract/faults';
import { sourceCases } from '../contract/sources';
import { useArktsTarget } from './target';

describe('ArkTS target, background mode: the contract and the files apps upload', () => {
  const suite = useArktsTarget({ backend: 'agent', background: true });
  // The service retries a network failure in place, 400 ms apart on devices: shorter here.
  beforeAll(() => configureEmulation({ retryIntervalMs: 20 }));
  for (const c of contractCases) it(c.name, () => c.run(suite.target));
  for (const c of sourceCases({ copies: (form) => form === 'file://media/' })) it(c.name, () => c.run(suite.target));
});

// Last, on a server of their own: a server that stopped reading does not see a connection closed behind it.
describe('ArkTS target, background mode: server faults', () => {
  const suite = useArktsTarget({ backend: 'agent', background: true });
  beforeAll(() => configureEmulation({ retryIntervalMs: 20 }));
  const profile = {
    redirects: { 301: 'asGet', 302: 'asGet', 307: 'resent', 308: 'resent' },
    platformRetries: true,
  } as const;
  for (const c of faultCases(() => profile)) it(c.name, () => c.run(suite.target));
});
