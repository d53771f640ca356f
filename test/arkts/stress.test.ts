/** Abort storms, load and leaks on the ArkTS target, with the process's own counts (timers, memory). */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { uploadFile } from '../../src/arkts/index';
import { stressCases } from '../contract/stress';
import { useArktsTarget } from './target';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

describe.each(['http', 'agent', 'uploadFile'] as const)('load and aborts on %s', (backend) => {
  const suite = useArktsTarget({ backend });

  for (const c of stressCases({ storm: 300, sequential: 1000, parallel: 200 })) {
    it(c.name, () => c.run(suite.target), 120000);
  }

  it('timers and memory return to their level after 500 uploads', async () => {
    const filePath = (await suite.target.file(4096, 'mem.bin')).filePath as string;
    const round = (n: number): Promise<unknown> =>
      Promise.all(
        Array.from({ length: n }, () =>
          uploadFile({ url: suite.server.uploadUrl, filePath, name: 'file', timeout: 30000 }),
        ),
      );
    await round(50);
    await new Promise((r) => setTimeout(r, 300));
    gc();
    const timersBefore = activeTimers();
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < 5; i++) await round(100);
    await new Promise((r) => setTimeout(r, 300));
    gc();
    expect(activeTimers()).toBeLessThanOrEqual(timersBefore);
    const growth = process.memoryUsage().heapUsed - heapBefore;
    expect(growth).toBeLessThan(8 * 1024 * 1024);
  }, 120000);
});
