/** The shared contract and fault cases over the bridge: page listeners, native uploads. */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { contractCases } from '../contract/cases';
import type { ContractTarget } from '../contract/cases';
import { faultCases } from '../contract/faults';
import { configureEmulation, resetEmulation } from '../emulation/control';
import { startUploadServer } from '../server/upload-server';
import type { UploadServer } from '../server/types';
import { bridgeTarget, startBridgePage } from './bridge-harness';
import type { BridgePage } from './bridge-harness';

describe('contract over the bridge', () => {
  let server: UploadServer;
  let side: BridgePage;
  let target: ContractTarget;

  beforeAll(async () => {
    server = await startUploadServer();
    configureEmulation({ progressIntervalMs: 100 });
    side = await startBridgePage();
    target = bridgeTarget(side, server);
  });

  afterAll(async () => {
    await side?.harness.close();
    await resetEmulation();
    await server?.close();
  });

  for (const c of contractCases) it(c.name, () => c.run(target));
  // The native side is request.agent: its redirect behaviour, no retries of its own.
  for (const c of faultCases(() => ({ redirects: { 301: 'asGet', 302: 'asGet', 307: 'resent', 308: 'resent' }, platformRetries: false }))) {
    it(`fault: ${c.name}`, () => c.run(target));
  }
});
