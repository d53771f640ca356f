/**
 * npm run demo -- --background: an upload that outlives its app. On an emulated device (emulator/device.ts)
 * with the request service in a process of its own, an app process starts a background upload, and is
 * killed (SIGKILL) part way; a new app process restores the upload with restoreUploads() and prints its
 * progress to the end; then the server's sha256 beside the file's.
 *
 * Options: --size <MB> (default 24), --rate <MB/s> the server reads at (default 4), --kill-at <percent>
 * (default 40).
 */
import { startDevice } from '../emulator/device';
import type { AppProcess } from '../emulator/device';
import { startUploadServer } from '../server/upload-server';

type AppMessage =
  | { type: 'ready' }
  | { type: 'progress'; id: string; progress: number; totalBytesSent: number; totalBytesExpectedToSend: number }
  | { type: 'restored'; tasks: Array<{ id: string; tag?: string; filePath: string }> }
  | { type: 'outcome'; id: string; result: { errMsg: string; statusCode?: number; data?: string } };

const MB = 1024 * 1024;
const width = 36;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function bar(percent: number, sent: number, total: number): string {
  const full = Math.round((percent / 100) * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${String(percent).padStart(3)}%  ${(sent / MB).toFixed(1)} / ${(total / MB).toFixed(1)} MB`;
}

async function nextOf<T extends AppMessage['type']>(
  app: AppProcess,
  type: T,
): Promise<Extract<AppMessage, { type: T }>> {
  return (await app.next((m) => (m as AppMessage).type === type)) as Extract<AppMessage, { type: T }>;
}

export async function backgroundDemo(): Promise<void> {
  const sizeMb = Number(arg('size', '24'));
  const rateMb = Number(arg('rate', '4'));
  const killAt = Number(arg('kill-at', '40'));
  const tty = process.stdout.isTTY === true;
  const server = await startUploadServer();
  const device = await startDevice({ progressIntervalMs: 250 });
  try {
    const filePath = '/data/storage/el2/base/haps/entry/files/demo/video.mp4';
    process.stdout.write(`Generating ${sizeMb} MB at ${filePath} (the app's sandbox) ... `);
    const sha256 = await device.writeFile(filePath, { size: Math.round(sizeMb * MB), seed: 42 });
    console.log('done');

    const first = device.launchApp('demo/background-app.ts');
    await nextOf(first, 'ready');
    console.log(
      `App process ${first.pid}: uploadFile({ background: true }) to ${server.uploadUrl}, server reading at ${rateMb} MB/s`,
    );
    first.send({ cmd: 'upload', url: `${server.uploadUrl}?readBps=${Math.round(rateMb * MB)}`, filePath });
    for (;;) {
      const p = await nextOf(first, 'progress');
      const line = bar(p.progress, p.totalBytesSent, p.totalBytesExpectedToSend);
      if (tty) process.stdout.write(`\r${line}`);
      else console.log(line);
      if (p.progress >= killAt) break;
    }
    if (tty) process.stdout.write('\n');
    await first.kill();
    console.log(`App process ${first.pid} killed (SIGKILL). The request service goes on with the upload.`);

    const second = device.launchApp('demo/background-app.ts');
    await nextOf(second, 'ready');
    second.send({ cmd: 'restore' });
    const { tasks } = await nextOf(second, 'restored');
    console.log(`App process ${second.pid}: restoreUploads() found ${tasks.length} upload(s)`);
    for (const t of tasks) console.log(`  ${t.id}  tag "${t.tag ?? ''}"  ${t.filePath}`);
    const watched = tasks[0];
    if (!watched) throw new Error('nothing to restore');
    let outcome: Extract<AppMessage, { type: 'outcome' }> | undefined;
    while (!outcome) {
      const m = (await second.next((x) => {
        const y = x as AppMessage;
        return (y.type === 'progress' || y.type === 'outcome') && y.id === watched.id;
      })) as AppMessage;
      if (m.type === 'progress') {
        const line = bar(m.progress, m.totalBytesSent, m.totalBytesExpectedToSend);
        if (tty) process.stdout.write(`\r${line}`);
        else console.log(line);
      } else if (m.type === 'outcome') outcome = m;
    }
    if (tty) process.stdout.write('\n');
    const result = outcome.result;
    console.log(`${result.errMsg}${result.statusCode ? `: HTTP ${result.statusCode}` : ''}`);
    const received = server.records.filter((r) => r.bodyComplete).at(-1)?.summary?.files[0];
    console.log(`local  sha256 ${sha256}`);
    console.log(`server sha256 ${received?.sha256 ?? '(nothing received)'}`);
    if (received?.sha256 !== sha256) {
      console.error('MISMATCH: the server did not receive the file intact');
      process.exitCode = 1;
    } else console.log('verified: the server received the file intact, though the app that started it was killed');
    await second.kill();
  } finally {
    await device.stop();
    await server.close();
  }
}
