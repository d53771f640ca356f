// An app for the device's own tests: drives request.agent as the test asks, and reports every event.
// Messages in: { seq, op: 'create' | 'start' | 'getTask' | 'show' | 'touch' | 'search' | 'remove', ... }.
// Messages out: { type: 'result', seq, ok, value | error }, { type: 'event', tid, event, payload }, { type: 'ready' }.
import { request } from '@kit.BasicServicesKit';
import { appRuntime } from '../app-runtime';

interface Command {
  seq: number;
  op: string;
  tid?: string;
  token?: string;
  config?: request.agent.Config;
  filter?: request.agent.Filter;
}

const { context } = appRuntime;
const tasks = new Map<string, request.agent.Task>();

function listen(task: request.agent.Task): void {
  const report = (event: string) => (progress: request.agent.Progress) => {
    const extras = progress.extras as Record<string, unknown> | undefined;
    const body = extras?.body;
    appRuntime.send({
      type: 'event',
      tid: task.tid,
      event,
      payload: {
        ...progress,
        extras: { ...extras, body: body instanceof ArrayBuffer ? { bytes: body.byteLength } : body },
      },
    });
  };
  task.on('progress', report('progress'));
  task.on('completed', report('completed'));
  task.on('failed', report('failed'));
  task.on('response', (response) => {
    appRuntime.send({
      type: 'event',
      tid: task.tid,
      event: 'response',
      payload: { statusCode: response.statusCode, reason: response.reason, headers: [...response.headers.entries()] },
    });
  });
}

async function run(command: Command): Promise<unknown> {
  switch (command.op) {
    case 'create': {
      const task = await request.agent.create(context, command.config as request.agent.Config);
      tasks.set(task.tid, task);
      listen(task);
      return task.tid;
    }
    case 'start':
      return (tasks.get(command.tid ?? '') as request.agent.Task).start();
    case 'getTask': {
      const task = await request.agent.getTask(context, command.tid ?? '', command.token);
      const known = tasks.get(task.tid) === task;
      if (!known) {
        tasks.set(task.tid, task);
        listen(task);
      }
      return { tid: task.tid, same: known, config: task.config };
    }
    case 'show':
      return request.agent.show(command.tid ?? '');
    case 'touch':
      return request.agent.touch(command.tid ?? '', command.token ?? '');
    case 'search':
      return command.filter === undefined ? request.agent.search() : request.agent.search(command.filter);
    case 'remove':
      return request.agent.remove(command.tid ?? '');
    default:
      throw new Error(`unknown op ${command.op}`);
  }
}

appRuntime.onMessage((message) => {
  const command = message as Command;
  run(command).then(
    (value) => appRuntime.send({ type: 'result', seq: command.seq, ok: true, value: value ?? null }),
    (error: { code?: number; message?: string }) =>
      appRuntime.send({
        type: 'result',
        seq: command.seq,
        ok: false,
        error: { code: error.code, message: error.message },
      }),
  );
});
appRuntime.send({ type: 'ready' });
