/**
 * The app of `npm run demo -- --background`: a process of the emulated device (emulator/device.ts) that
 * starts a background upload when told to, or restores the uploads of an earlier process, and sends every
 * event to the demo, which prints them.
 */
import { configure, restoreUploads, uploadFile } from '../src/arkts/index';
import type { UploadTask } from '../src/arkts/index';
import { appRuntime } from '../emulator/device/app-runtime';

const { context } = appRuntime;
configure({ context });

function follow(task: UploadTask & Promise<unknown>, id: string): void {
  task.onProgressUpdate((p) => appRuntime.send({ type: 'progress', id, ...p }));
  task.then(
    (result) => appRuntime.send({ type: 'outcome', id, result }),
    (result) => appRuntime.send({ type: 'outcome', id, result }),
  );
}

appRuntime.onMessage((raw) => {
  const m = raw as { cmd: 'upload' | 'restore'; url?: string; filePath?: string };
  if (m.cmd === 'upload') {
    const task = uploadFile({
      url: m.url as string,
      filePath: m.filePath as string,
      name: 'file',
      background: true,
      tag: 'demo video',
    });
    follow(task, 'new');
  } else {
    restoreUploads().then((tasks) => {
      appRuntime.send({ type: 'restored', tasks: tasks.map((t) => ({ id: t.id, tag: t.tag, filePath: t.filePath })) });
      for (const task of tasks) follow(task, task.id);
    });
  }
});
appRuntime.send({ type: 'ready' });
