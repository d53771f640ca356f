/** Abort storms, load and leaks over the bridge. */
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { ContractTarget } from '../contract/cases';
import { stressCases } from '../contract/stress';
import { configureEmulation, resetEmulation } from '../emulation/control';
import { startUploadServer } from '../server/upload-server';
import type { UploadServer } from '../server/types';
import { bridgeTarget, startBridgePage } from './bridge-harness';
import type { BridgePage } from './bridge-harness';

describe('load and aborts over the bridge', () => {
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

  for (const c of stressCases({ storm: 300, sequential: 1000, parallel: 200 })) {
    it(c.name, () => c.run(target), 120000);
  }
});
