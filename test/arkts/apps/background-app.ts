/**
 * An app for the device tests (background-device.test.ts): runs in a process of its own on an emulated
 * device (emulator/device.ts) and does what the test tells it with the library, sending back every event a
 * user would see, each marked with the upload's key.
 *
 *   test → app   { cmd: 'configure', settings }             configure({ context, ...settings })
 *                { cmd: 'upload', key, options }            uploadFile({ ...options, context })
 *                { cmd: 'restore' }                         restoreUploads(); each task's key is its id
 *                { cmd: 'abort', key }                      task.abort()
 *   app → test   { type: 'ready' }, { type: 'restored', tasks: [{ id, url, filePath, name, tag }] },
 *                { type: 'event', key, event }              event: a RecordedEvent (test/contract/driver.ts)
 *                { type: 'error', message }
 */
import { configure, restoreUploads, uploadFile } from '../../../src/arkts/index';
import type { ArkTsSettings, UploadFileOptions, UploadTask } from '../../../src/arkts/index';
import { appRuntime } from '../../../emulator/device/app-runtime';
import type { RecordedEvent } from '../../contract/driver';

const { context } = appRuntime;
const tasks = new Map<string, UploadTask>();

function report(key: string, event: RecordedEvent): void {
  appRuntime.send({ type: 'event', key, event });
}

/** Listens as a user would: progress, headers, and the promise (the callbacks are in the options). */
function watch(key: string, task: UploadTask & Promise<unknown>): void {
  tasks.set(key, task);
  task.onProgressUpdate((u) =>
    report(key, {
      kind: 'progress',
      progress: u.progress,
      sent: u.totalBytesSent,
      expected: u.totalBytesExpectedToSend,
    }),
  );
  task.onHeadersReceived((h) => report(key, { kind: 'headers', header: h.header }));
  task.then(
    (result) => report(key, { kind: 'resolved', result } as RecordedEvent),
    (result) => report(key, { kind: 'rejected', result } as RecordedEvent),
  );
}

function callbacks(key: string): Pick<UploadFileOptions, 'success' | 'fail' | 'complete'> {
  return {
    success: (result) => report(key, { kind: 'success', result }),
    fail: (result) => report(key, { kind: 'fail', result }),
    complete: (result) => report(key, { kind: 'complete', result }),
  };
}

appRuntime.onMessage((raw) => {
  const m = raw as { cmd: string; key?: string; options?: UploadFileOptions; settings?: ArkTsSettings };
  try {
    switch (m.cmd) {
      case 'configure':
        configure({ context, ...m.settings });
        break;
      case 'upload': {
        const key = m.key as string;
        watch(key, uploadFile({ ...(m.options as UploadFileOptions), ...callbacks(key), context }));
        break;
      }
      case 'restore':
        restoreUploads(context).then(
          (restored) => {
            for (const task of restored) {
              const key = task.id;
              // A restored task has no options object: its outcome is seen through its promise.
              task.then(
                (result) => {
                  report(key, { kind: 'success', result } as RecordedEvent);
                  report(key, { kind: 'complete', result } as RecordedEvent);
                },
                (result) => {
                  report(key, { kind: 'fail', result });
                  report(key, { kind: 'complete', result });
                },
              );
              watch(key, task);
            }
            appRuntime.send({
              type: 'restored',
              tasks: restored.map((t) => ({ id: t.id, url: t.url, filePath: t.filePath, name: t.name, tag: t.tag })),
            });
          },
          (err: unknown) => appRuntime.send({ type: 'error', message: JSON.stringify(err) }),
        );
        break;
      case 'abort':
        tasks.get(m.key as string)?.abort();
        break;
    }
  } catch (err) {
    appRuntime.send({ type: 'error', message: String(err) });
  }
});

appRuntime.send({ type: 'ready' });
