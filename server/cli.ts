/**
 * Starts the upload server for manual use: `npx tsx server/cli.ts`.
 * PORT (default: a free port), HOST (default 127.0.0.1) and STATIC_DIR (files served at GET /<path>) are read
 * from the environment. The origin is printed on stdout; Ctrl+C stops the server.
 */
import { startUploadServer } from './upload-server';

const server = await startUploadServer({
  port: Number(process.env.PORT ?? 0),
  host: process.env.HOST,
  staticDir: process.env.STATIC_DIR,
});
console.log(server.origin);

const stop = (): void => {
  void server.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
