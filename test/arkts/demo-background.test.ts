/**
 * `npm run demo -- --background` runs as a newcomer would run it: an upload whose app process is killed part
 * way, restored by a new process to the end, the server's sha256 beside the file's.
 */
import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';

it('npm run demo -- --background: killed, restored, finished, verified', async () => {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      './emulator/node-register.mjs',
      'demo/upload.ts',
      '--background',
      '--size',
      '8',
      '--rate',
      '4',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(out).toMatch(/App process \d+ killed \(SIGKILL\)/);
  expect(out).toMatch(/restoreUploads\(\) found 1 upload\(s\)/);
  expect(out).toMatch(/100% {2}8\.0 \/ 8\.0 MB/);
  const local = /local {2}sha256 ([0-9a-f]{64})/.exec(out)?.[1];
  const server = /server sha256 ([0-9a-f]{64})/.exec(out)?.[1];
  expect(local).toBeDefined();
  expect(server).toBe(local);
  expect(code, out).toBe(0);
});
