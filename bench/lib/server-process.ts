/**
 * The upload server (server/) in a process of its own, for the throughput figures: its parsing and
 * sha256 then run on the other core instead of taking turns with the client on one event loop, as a real
 * server would be elsewhere. The figures check the server's JSON answer (size and sha256 of the file).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ROOT } from '../../scripts/builds';

export interface ServerProcess {
  origin: string;
  uploadUrl: string;
  close(): Promise<void>;
}

/** `staticDir`: files served at GET /<name> (the page figures fetch their Blob from there). */
export async function startServerProcess(options: { staticDir?: string } = {}): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      ...(options.staticDir ? { STATIC_DIR: options.staticDir } : {}),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const origin = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once('line', (line) => resolve(line.trim()));
    child.once('exit', (code) => reject(new Error(`the upload server process exited (${code}) before listening`)));
  });
  return {
    origin,
    uploadUrl: `${origin}/upload`,
    async close() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
