// An app for the device's own tests: reports its context and state changes, echoes messages.
import { appRuntime } from '../app-runtime';

const { context } = appRuntime;
context.getApplicationContext().on('applicationStateChange', {
  onApplicationForeground: () => appRuntime.send({ type: 'state', state: 'foreground' }),
  onApplicationBackground: () => appRuntime.send({ type: 'state', state: 'background' }),
});
appRuntime.onMessage((message) => {
  if (message === 'exit') appRuntime.exit(3);
  else appRuntime.send({ type: 'echo', message });
});
appRuntime.send({ type: 'ready', cacheDir: context.cacheDir, pid: process.pid });
