// Shows that the reliability and security tests guard what they claim: each mutation removes one
// guarded behaviour from src/ (every guard of it, where there are two), runs the tests that should
// catch it, and expects them to FAIL.
// The source is restored after each run. Not part of npm test (it runs the suites many times).
//
//   node scripts/check-mutations.mjs            all mutations
//   node scripts/check-mutations.mjs symlink    the ones whose name contains "symlink"
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const mutations = [
  {
    name: 'one outcome: neither abort() nor finish() ignores a task that has ended',
    file: 'src/core/engine.ts',
    replace: [
      ["  abort(): void {\n    if (this.phase === 'done') return;", '  abort(): void {'],
      [
        "  private finish(outcome: Outcome): void {\n    if (this.phase === 'done') return;",
        '  private finish(outcome: Outcome): void {',
      ],
    ],
    tests: ['test/arkts/contract.test.ts', '-t', 'abort after completion'],
  },
  {
    name: 'timeout: the library timer is never set',
    file: 'src/core/engine.ts',
    from: 'this.deadline = setTimeout(',
    to: 'this.deadline = undefined && setTimeout(',
    tests: ['test/arkts/faults.test.ts', '-t', 'stalls mid-body'],
  },
  {
    name: 'nothing after the outcome: the final progress event comes after success and complete',
    file: 'src/core/engine.ts',
    replace: [
      ['      this.progressListeners.emit(this.reducer.final(outcome.totalBytes));\n', ''],
      ['    this.progressListeners.clear();\n', ''],
      [
        "      callSafely('complete', complete, outcome.result);\n      this.resolve(outcome.result);",
        "      callSafely('complete', complete, outcome.result);\n      this.progressListeners.emit(this.reducer.final(outcome.totalBytes));\n      this.resolve(outcome.result);",
      ],
    ],
    tests: ['test/arkts/contract.test.ts', '-t', 'events in order'],
  },
  {
    name: 'queue: the concurrency cap is ignored',
    file: 'src/core/scheduler.ts',
    from: 'while (this.running < this.limit && this.waiting.size > 0) {',
    to: 'while (this.waiting.size > 0) {',
    tests: ['test/arkts/contract.test.ts', '-t', '100 uploads at once'],
  },
  {
    name: 'abort while queued: the waiting job is not withdrawn',
    file: 'src/core/engine.ts',
    from: "if (this.phase === 'waiting') this.engine.scheduler.withdraw(this);",
    to: '',
    tests: ['test/arkts/contract.test.ts', '-t', 'abort while queued'],
  },
  {
    name: 'retry: failures are never retried',
    file: 'src/core/engine.ts',
    from: 'if (!retryable || this.headersSeen || this.attempt >= count) {',
    to: 'if (true) {',
    tests: ['test/arkts/faults.test.ts', '-t', 'retried as asked'],
  },
  {
    name: 'leaks: request.agent tasks are not removed at the end',
    file: 'src/arkts/agent-transport.ts',
    from: '    if (task) this.removeTask(task);\n  }',
    to: '  }',
    tests: ['test/arkts/stress.test.ts', '-t', 'in sequence'],
  },
  {
    name: 'leaks: the cache copies of request.uploadFile are not deleted',
    file: 'src/arkts/upload-file-transport.ts',
    from: '    this.copy?.release();',
    to: '',
    tests: ['test/arkts/stress.test.ts', '-t', 'in sequence'],
  },
  {
    name: 'listeners: the same function can be registered twice',
    file: 'src/core/registry.ts',
    from: '    for (const e of this.entries) if (e.fn === fn) return;',
    to: '',
    tests: ['test/arkts/contract.test.ts', '-t', 'registered twice'],
  },
  {
    name: 'hostile input: an exception while reading the options escapes uploadFile',
    file: 'src/core/engine.ts',
    from: '    } catch (err) {\n      checked = { ok: false, reason: parameterError(',
    to: '    } catch (err) {\n      throw err;\n      checked = { ok: false, reason: parameterError(',
    tests: ['test/arkts/contract.test.ts', '-t', 'bad options'],
  },
  {
    name: 'bridge: calls from any origin are served',
    file: 'src/arkts/bridge-host.ts',
    from: '    return frame === top && this.allowedUrl(top);',
    to: '    return frame === top;',
    tests: ['test/bridge/bridge-security.test.ts', '-t', 'disallowed origin'],
  },
  {
    name: 'bridge: iframes may call',
    file: 'src/arkts/bridge-host.ts',
    from: '    return frame === top && this.allowedUrl(top);',
    to: '    return this.allowedUrl(frame);',
    tests: ['test/bridge/bridge-security.test.ts', '-t', 'iframe'],
  },
  {
    name: 'bridge: allowedPaths is not enforced',
    file: 'src/arkts/bridge-host.ts',
    from: '    const dir = this.dirs.find((d) => path.startsWith(`${d}/`));\n    if (!dir) throw',
    to: "    const dir = this.dirs.find((d) => path.startsWith(`${d}/`)) ?? '/data';\n    if (!dir) throw",
    tests: ['test/bridge/bridge-security.test.ts', '-t', 'outside the allowed directories'],
  },
  {
    name: 'bridge: symlinks are followed',
    file: 'src/arkts/bridge-host.ts',
    from: '      if (isLink) throw',
    to: '      if (isLink && false) throw',
    tests: ['test/bridge/bridge-security.test.ts', '-t', 'symlink'],
  },
  {
    name: "bridge: a page load does not end the previous page's uploads",
    file: 'src/arkts/bridge-host.ts',
    from: '  onPageBegin(url: string): void {\n    void url;\n    // The page is being left: nobody is there to tell.\n    this.endUploads(false);',
    to: '  onPageBegin(url: string): void {\n    void url;',
    tests: ['test/bridge/bridge-events.test.ts', '-t', 'a reload aborts'],
  },
  {
    name: "bridge: the library's temporary copies may be uploaded by pages",
    file: 'src/arkts/bridge-host.ts',
    from: "    if (path.split('/').indexOf(COPY_DIR) >= 0) {",
    to: "    if (path.split('/').indexOf(COPY_DIR) >= 0 && false) {",
    tests: ['test/bridge/bridge-security.test.ts', '-t', 'temporary copies'],
  },
  {
    name: 'bridge: a refusal is addressed to the running upload it names',
    file: 'src/arkts/bridge-host.ts',
    from: "type: 'refused', id: owned ? undefined : id, reason",
    to: "type: 'refused', id, reason",
    tests: ['test/bridge/bridge-security.test.ts', '-t', 'malformed, wrong-version'],
  },
  {
    name: 'bridge: progress is forwarded for every platform report (no coalescing)',
    file: 'src/core/progress.ts',
    from: '    if (percent <= this.lastPercent) return undefined;',
    to: '    if (sent < 0) return undefined;',
    tests: ['test/bridge/bridge-events.test.ts', '-t', 'messages per upload'],
  },
  {
    name: 'bridge: answers are pasted into the script as text, not base64',
    file: 'src/bridge/protocol.ts',
    from: '.receive("${encodeBase64Utf8(JSON.stringify(message))}")',
    to: ".receive(btoa(unescape(encodeURIComponent('${JSON.stringify(message)}'))))",
    tests: ['test/bridge/bridge-events.test.ts', '-t', 'answers cross as data'],
  },
  {
    name: 'http: the HttpRequest is not destroyed at the end',
    file: 'src/arkts/http-transport.ts',
    from: "      request.destroy();\n      request.off('headersReceive');",
    to: "      request.off('headersReceive');",
    tests: ['test/arkts/http.test.ts', '-t', 'releases every HttpRequest'],
  },
  {
    name: 'http: the listeners stay on the destroyed request',
    file: 'src/arkts/http-transport.ts',
    from: "      request.off('headersReceive');\n      request.off('dataReceive');\n      request.off('dataSendProgress');\n",
    to: '',
    tests: ['test/arkts/http.test.ts', '-t', 'releases every HttpRequest'],
  },
  {
    name: "http: the headers go out with the first header block (a 100 Continue's empty one)",
    file: 'src/arkts/http-transport.ts',
    from: '    this.header = headersOfObject(header as Record<string, unknown>);\n',
    to: '    this.header = headersOfObject(header as Record<string, unknown>);\n    this.dispatchHeaders();\n',
    tests: ['test/arkts/contract.test.ts', '-t', 'on http events in order'],
  },
  {
    name: 'http: the platform keeps its own 60 s limit on the whole transfer',
    file: 'src/arkts/http-transport.ts',
    from: '      readTimeout: limit,\n      connectTimeout: limit,\n',
    to: '',
    tests: ['test/arkts/http.test.ts', '-t', 'time limits'],
  },
  {
    name: 'http: the file part has a remoteFileName (the platform reads the file into memory)',
    file: 'src/arkts/http-transport.ts',
    from: 'contentType: this.req.contentType, filePath: path }',
    to: 'contentType: this.req.contentType, filePath: path, remoteFileName: this.req.fileName }',
    tests: ['test/arkts/http.test.ts', '-t', 'travels from a copy'],
  },
  {
    name: 'http: an empty form field is handed to the platform (which drops it)',
    file: 'src/arkts/http-transport.ts',
    from: "  const empty = req.formData.find((f) => f.value === '');",
    to: '  const empty = undefined;',
    tests: ['test/arkts/http.test.ts', '-t', 'cannot send'],
  },
];

const only = process.argv[2];
let failures = 0;
for (const m of mutations.filter((x) => !only || x.name.includes(only))) {
  const original = readFileSync(m.file, 'utf8');
  const replace = m.replace ?? [[m.from, m.to]];
  const missing = replace.find(([from]) => !original.includes(from));
  if (missing) {
    console.log(`SKIP   ${m.name}: the code to mutate is not in ${m.file} any more`);
    failures++;
    continue;
  }
  writeFileSync(
    m.file,
    replace.reduce((text, [from, to]) => text.replace(from, to), original),
  );
  let caught;
  try {
    const run = spawnSync('npx', ['vitest', 'run', ...m.tests], { encoding: 'utf8', timeout: 600000 });
    caught = run.status !== 0;
  } finally {
    writeFileSync(m.file, original);
  }
  console.log(`${caught ? 'CAUGHT' : 'MISSED'} ${m.name}  (${m.tests.join(' ')})`);
  if (!caught) failures++;
}
process.exitCode = failures ? 1 : 0;
