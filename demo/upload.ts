/**
 * npm run demo: one real upload through the ArkTS adapter, on the @ohos.request emulation, to the
 * embedded local server, with a live progress bar; the server's checksum is then compared with the file's.
 *
 * Options: --size <MB> (default 48), --rate <MB/s> the server reads at (default 6),
 *          --device-pacing (progress at most once a second, as devices do; default 250 ms),
 *          --backend http|agent|uploadFile (default agent).
 *          --background: the upload outlives its app (demo/background.ts).
 */
import { configure, uploadFile } from '../src/arkts/index';
import type { ArkTsBackend } from '../src/arkts/types';
import { configureEmulation, resetEmulation } from '../emulator/control';
import { getSandbox } from '../emulator/sandbox';
import { startUploadServer } from '../server/upload-server';
import type { UploadSummary } from '../server/types';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const MB = 1024 * 1024;
const sizeMb = Number(arg('size', '48'));
const rateMb = Number(arg('rate', '6'));
const backend = arg('backend', 'agent') as ArkTsBackend;
const devicePacing = process.argv.includes('--device-pacing');
const tty = process.stdout.isTTY === true;
const width = 36;

function bar(percent: number): string {
  const full = Math.round((percent / 100) * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${String(percent).padStart(3)}%`;
}

function mb(bytes: number): string {
  return (bytes / MB).toFixed(1);
}

async function main(): Promise<void> {
  const server = await startUploadServer();
  const sandbox = getSandbox();
  const context = sandbox.createContext();
  configure({ context, backend });
  configureEmulation({ progressIntervalMs: devicePacing ? 1000 : 250 });

  const filePath = `${context.filesDir}/demo/video-${Date.now()}.mp4`;
  process.stdout.write(`Generating ${sizeMb} MB at ${filePath} (app sandbox) ... `);
  const sha256 = await sandbox.writeFile(filePath, { size: Math.round(sizeMb * MB), seed: 42 });
  console.log('done');
  const api = backend === 'http' ? '@ohos.net.http' : `request.${backend}`;
  console.log(`Uploading with ${api} (emulated) to ${server.uploadUrl}, server reading at ${rateMb} MB/s`);

  const started = Date.now();
  const task = uploadFile({
    url: `${server.uploadUrl}?readBps=${Math.round(rateMb * MB)}`,
    filePath,
    name: 'file',
    formData: { title: 'harmony-upload-task demo', sizeMb },
    header: { 'X-Demo': '1' },
    timeout: 120000,
  });
  task.onProgressUpdate((p) => {
    const line = `${bar(p.progress)}  ${mb(p.totalBytesSent)} / ${mb(p.totalBytesExpectedToSend)} MB  ${((Date.now() - started) / 1000).toFixed(1)} s`;
    if (tty) process.stdout.write(`\r${line}`);
    else console.log(line);
  });
  task.onHeadersReceived((h) => {
    if (tty) process.stdout.write('\n');
    console.log(`headers received: ${h.header['content-type'] ?? ''} (x-upload-id ${h.header['x-upload-id'] ?? '?'})`);
  });

  try {
    const res = await task;
    if (tty) process.stdout.write('\n');
    const summary = JSON.parse(res.data) as UploadSummary;
    const received = summary.files[0];
    console.log(`${res.errMsg}: HTTP ${res.statusCode} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(`local  sha256 ${sha256}`);
    console.log(
      `server sha256 ${received.sha256}  (${received.size} bytes as "${received.filename}", fields ${JSON.stringify(summary.fields)})`,
    );
    if (received.sha256 !== sha256 || received.size !== Math.round(sizeMb * MB)) {
      console.error('MISMATCH: the server did not receive the file intact');
      process.exitCode = 1;
    } else {
      console.log('verified: the server received the file intact');
    }
  } catch (err) {
    if (tty) process.stdout.write('\n');
    console.error('upload failed:', (err as { errMsg?: string }).errMsg ?? err);
    process.exitCode = 1;
  } finally {
    await resetEmulation();
    await server.close();
  }
}

if (process.argv.includes('--background')) {
  import('./background').then(
    (demo) => demo.backgroundDemo(),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
} else void main();
