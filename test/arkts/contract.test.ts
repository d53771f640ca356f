/** The shared upload contract on the ArkTS target, over both @ohos.request APIs. */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { contractCases } from '../contract/cases';
import type { ContractTarget } from '../contract/cases';
import { configureEmulation, resetEmulation } from '../emulation/control';
import { startUploadServer } from '../server/upload-server';
import type { UploadServer } from '../server/types';
import { arktsTarget } from './target';

describe.each(['agent', 'uploadFile'] as const)('ArkTS target on request.%s', (backend) => {
  let server: UploadServer;
  let target: ContractTarget;

  beforeAll(async () => {
    server = await startUploadServer();
    // Devices send progress at most once a second; a shorter interval keeps the suite fast.
    configureEmulation({ progressIntervalMs: 100 });
    target = arktsTarget(server, backend);
  });

  afterAll(async () => {
    await resetEmulation();
    await server.close();
  });

  for (const c of contractCases) {
    it(c.name, () => c.run(target));
  }
});
