// Shows that the reliability and security tests guard what they claim: each mutation removes one
// guarded behaviour from src/ (every guard of it, where there are two), runs the tests that should
// catch it, and expects them to FAIL.
// Where a unit test (test/core, over a scripted transport) catches the mutation, it is the test run: seconds,
// not a real-HTTP suite. The source is restored after each run. Not part of npm test (it runs the suites many times);
// npm run lint runs it with --applies, which only checks that every mutation still finds the code it mutates.
//
//   node scripts/check-mutations.mjs            all mutations
//   node scripts/check-mutations.mjs symlink    the ones whose name contains "symlink"
//   node scripts/check-mutations.mjs --applies  every mutation's code is still there (no test is run)
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
    tests: ['test/core/engine.test.ts', '-t', 'after the outcome: a no-op'],
  },
  {
    name: 'timeout: the library timer is never set',
    file: 'src/core/engine.ts',
    from: 'this.deadline = setTimeout(',
    to: 'this.deadline = undefined && setTimeout(',
    tests: ['test/core/engine.test.ts', '-t', 'ends the upload with uploadFile:fail timeout'],
  },
  {
    name: 'timeout: counted from the call, not from leaving the queue',
    file: 'src/core/engine.ts',
    replace: [
      [
        '  private headersSeen = false;\n',
        '  private headersSeen = false;\n  private readonly calledAt = Date.now();\n',
      ],
      [
        '    const ms = this.request.timeout;\n',
        '    const ms = this.request.timeout - (Date.now() - this.calledAt);\n',
      ],
    ],
    tests: ['test/core/engine.test.ts', '-t', 'is counted from the moment the upload leaves the queue'],
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
    tests: ['test/core/engine.test.ts', '-t', 'a success: progress, one headers event'],
  },
  {
    name: 'queue: the concurrency cap is ignored',
    file: 'src/core/scheduler.ts',
    from: 'while (this.running < this.limit && this.waiting.size > 0) {',
    to: 'while (this.waiting.size > 0) {',
    tests: ['test/core/engine.test.ts', '-t', 'runs at most maxConcurrent'],
  },
  {
    name: "queue: the next upload starts before this one's outcome is queued",
    file: 'src/core/engine.ts',
    from: '    later(() => this.deliver(outcome));\n    // Freed only now:',
    to: '    if (wasRunning) this.engine.scheduler.release();\n    later(() => this.deliver(outcome));\n    // Freed only now:',
    tests: ['test/core/engine.test.ts', '-t', 'in the order they happened'],
  },
  {
    name: 'abort while queued: the waiting job is not withdrawn',
    file: 'src/core/engine.ts',
    from: "if (this.phase === 'waiting') this.engine.scheduler.withdraw(this);",
    to: '',
    tests: ['test/core/engine.test.ts', '-t', 'while waiting in the queue'],
  },
  {
    name: 'retry: failures are never retried',
    file: 'src/core/engine.ts',
    from: 'if (!retryable || this.headersSeen || this.attempt >= count) {',
    to: 'if (true) {',
    tests: ['test/core/engine.test.ts', '-t', 'waits backoff, then'],
  },
  {
    name: 'retry: the backoff does not double',
    file: 'src/core/engine.ts',
    from: 'const delay = backoff * 2 ** this.attempt;',
    to: 'const delay = backoff;',
    tests: ['test/core/engine.test.ts', '-t', 'waits backoff, then'],
  },
  {
    name: 'retry: one attempt more than the count',
    file: 'src/core/engine.ts',
    from: 'this.attempt >= count) {',
    to: 'this.attempt > count) {',
    tests: ['test/core/engine.test.ts', '-t', 'makes count more attempts at most'],
  },
  {
    name: 'retry: a failure after the headers is retried',
    file: 'src/core/engine.ts',
    from: 'if (!retryable || this.headersSeen || this.attempt >= count) {',
    to: 'if (!retryable || this.attempt >= count) {',
    tests: ['test/core/engine.test.ts', '-t', 'never retries once the headers arrived'],
  },
  {
    name: 'retry: a failure not marked retryable is retried',
    file: 'src/core/engine.ts',
    from: 'if (current()) this.failAttempt(reason, retryable === true);',
    to: 'if (current()) this.failAttempt(reason, retryable !== false);',
    tests: ['test/core/engine.test.ts', '-t', 'not marked retryable'],
  },
  {
    name: 'retry: a retry still starts after abort',
    file: 'src/core/engine.ts',
    replace: [
      ['    clearTimeout(this.retryTimer);\n', ''],
      ["      if (this.phase === 'running') this.startAttempt();", '      this.startAttempt();'],
    ],
    tests: ['test/core/engine.test.ts', '-t', 'never retries after abort'],
  },
  {
    name: "retry: a failed attempt's late reports still count",
    file: 'src/core/engine.ts',
    from: "this.phase === 'running' && this.attempt === attempt;",
    to: "this.phase === 'running';",
    tests: ['test/core/engine.test.ts', '-t', "a failed attempt's later reports"],
  },
  {
    name: 'retry: what a failed attempt reports from inside close() still counts',
    file: 'src/core/engine.ts',
    from: '    this.attempt++;\n    this.closeHandle();',
    to: '    this.closeHandle();\n    this.attempt++;',
    tests: ['test/core/engine.test.ts', '-t', 'reports from inside its close'],
  },
  {
    name: 'close once: an attempt that ended while starting is never closed',
    file: 'src/core/engine.ts',
    from: '    else closeQuietly(handle);',
    to: '',
    tests: ['test/core/engine.test.ts', '-t', 'reported inside start'],
  },
  {
    name: 'close once: a closed handle is kept, and closed again at the outcome',
    file: 'src/core/engine.ts',
    from: '    this.handle = undefined;\n    return closeQuietly(handle);',
    to: '    return closeQuietly(handle);',
    tests: ['test/core/engine.test.ts', '-t', 'exactly once for every attempt'],
  },
  {
    name: 'headers: every report of the transport is dispatched',
    file: 'src/core/engine.ts',
    from: '    if (this.headersSeen) return;\n',
    to: '',
    tests: ['test/core/engine.test.ts', '-t', 'one headers event'],
  },
  {
    name: 'callbacks run inside the call that caused them',
    file: 'src/core/engine.ts',
    from: '    later(() => this.deliver(outcome));',
    to: '    this.deliver(outcome);',
    tests: ['test/core/engine.test.ts', '-t', 'callbacks never run inside'],
  },
  {
    name: 'leaks: an ended upload still counts as live',
    file: 'src/core/engine.ts',
    from: '    this.engine.live.delete(this);\n',
    to: '',
    tests: ['test/core/engine.test.ts', '-t', 'counts return to zero'],
  },
  {
    name: 'leaks: the listeners are kept after the outcome',
    file: 'src/core/engine.ts',
    from: '    this.progressListeners.clear();\n    this.headersListeners.clear();\n',
    to: '',
    tests: ['test/core/engine.test.ts', '-t', 'let go'],
  },
  {
    name: 'leaks: listeners added after the outcome are kept',
    file: 'src/core/engine.ts',
    replace: [
      [
        "      if (run.phase !== 'done') run.progressListeners.add(listener);",
        '      run.progressListeners.add(listener);',
      ],
      [
        "      if (run.phase !== 'done') run.headersListeners.add(listener);",
        '      run.headersListeners.add(listener);',
      ],
    ],
    tests: ['test/core/engine.test.ts', '-t', 'let go'],
  },
  {
    name: 'promise: a callback-style caller gets an unhandled rejection',
    file: 'src/core/engine.ts',
    from: '    if (callbacks.success || callbacks.fail || callbacks.complete) promise.catch(() => undefined);\n',
    to: '',
    tests: ['test/core/engine.test.ts', '-t', 'no unhandled rejection'],
  },
  {
    name: "options: a caller's Content-Type header is sent",
    file: 'src/core/options.ts',
    from: "    if (key.toLowerCase() === 'content-type') continue;\n",
    to: '',
    tests: ['test/core/options.test.ts', '-t', 'Content-Type left to the library'],
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
    tests: ['test/core/registry.test.ts', '-t', 'keeps one registration'],
  },
  {
    name: 'hostile input: an exception while reading the options escapes uploadFile',
    file: 'src/core/engine.ts',
    from: '    } catch (err) {\n      checked = { ok: false, reason: parameterError(',
    to: '    } catch (err) {\n      throw err;\n      checked = { ok: false, reason: parameterError(',
    tests: ['test/core/options.test.ts', '-t', 'urlGetterThrows'],
  },
  {
    name: 'bridge: calls from any origin are served',
    file: 'src/arkts/bridge-host.ts',
    from: "    return this.allowedOrigin(origin) ? ALLOWED : { kind: 'other', origin };",
    to: '    return ALLOWED;',
    tests: ['test/bridge/fail-closed.test.ts', '-t', 'told its own origin'],
  },
  {
    name: 'bridge: a top page of another origin gets no answer (and waits out its timeout)',
    file: 'src/arkts/bridge-host.ts',
    from: '      this.refuseOrigin(text, caller.origin);\n',
    to: '',
    tests: ['test/bridge/fail-closed.test.ts', '-t', 'told its own origin'],
  },
  {
    name: 'bridge: the refusals of other origins are not rate-limited',
    file: 'src/arkts/bridge-host.ts',
    from: '    if (!this.originRefusals.take()) return;\n',
    to: '',
    tests: ['test/bridge/fail-closed.test.ts', '-t', 'rate-limited'],
  },
  {
    name: 'bridge: iframes may call',
    file: 'src/arkts/bridge-host.ts',
    from: '      withoutFragment(frame) !== withoutFragment(top)\n',
    to: '      false\n',
    tests: ['test/bridge/security.test.ts', '-t', 'iframe'],
  },
  {
    name: 'bridge: an iframe in a page of another origin is answered',
    file: 'src/arkts/bridge-host.ts',
    from: '      withoutFragment(frame) !== withoutFragment(top)\n',
    to: '      (withoutFragment(frame) !== withoutFragment(top) && this.allowedOrigin(originOf(top)))\n',
    tests: ['test/bridge/fail-closed.test.ts', '-t', 'an iframe in it'],
  },
  {
    name: "bridge: a call the controller cannot place ('' for its frame) is taken for the top page's",
    file: 'src/arkts/bridge-host.ts',
    from: '      frame = this.controller.getLastJavascriptProxyCallingFrameUrl();',
    to: '      frame = this.controller.getLastJavascriptProxyCallingFrameUrl() || top;',
    tests: ['test/bridge/fail-closed.test.ts', '-t', "answers ''"],
  },
  {
    name: 'bridge: an authority the host cannot read is read from its last @',
    file: 'src/arkts/bridge-host.ts',
    from: '  const authority = AUTHORITY.exec(m[2].toLowerCase());',
    to: "  const authority = AUTHORITY.exec(m[2].toLowerCase().slice(m[2].lastIndexOf('@') + 1));",
    tests: ['test/bridge/fail-closed.test.ts', '-t', 'cannot be read'],
  },
  {
    name: "bridge: a native upload sends none of the WebView's cookies",
    file: 'src/arkts/bridge-host.ts',
    from: "          if (line !== '') header.Cookie = line;\n",
    to: '',
    tests: ['test/bridge/cookies.test.ts', '-t', 'HttpOnly cookie'],
  },
  {
    name: "bridge: the answer's Set-Cookie is not kept",
    file: 'src/arkts/bridge-host.ts',
    from: '      if (kept === undefined) kept = keepCookies(o.url, header);',
    to: '      if (kept === undefined) kept = Promise.resolve();',
    tests: ['test/bridge/cookies.test.ts', '-t', 'hears'],
  },
  {
    name: 'bridge: cookies go to another origin without withCredentials',
    file: 'src/arkts/cookies.ts',
    from: '  return pageOrigin !== undefined && pageOrigin === uploadOrigin;',
    to: '  return true;',
    tests: ['test/bridge/cookies.test.ts', '-t', 'without withCredentials'],
  },
  {
    name: 'bridge: a Cookie header the page sets is sent',
    file: 'src/arkts/cookies.ts',
    from: "if (name.toLowerCase() !== 'cookie') out[name] = header[name];",
    to: 'out[name] = header[name];',
    tests: ['test/bridge/cookies.test.ts', '-t', 'dropped'],
  },
  {
    name: 'bridge: cookies go while the app has turned them off',
    file: 'src/arkts/cookies.ts',
    from: "    if (!webview.WebCookieManager.isCookieAllowed()) return '';\n",
    to: '',
    tests: ['test/bridge/cookies.test.ts', '-t', 'switched off'],
  },
  {
    name: "bridge: an answer's Set-Cookie lines are split at every comma (an Expires date's too)",
    file: 'src/arkts/cookies.ts',
    from: '    .split(/,(?=\\s*[^\\s;,=]+=)/)',
    to: '    .split(/,/)',
    tests: ['test/bridge/cookies.test.ts', '-t', 'several Set-Cookie'],
  },
  {
    name: "bridge: a files upload's withCredentials does not reach the host",
    file: 'src/hybrid/bridge-transport.ts',
    from: '      ? { url, files, header, formData, timeout, retry, withCredentials }',
    to: '      ? { url, files, header, formData, timeout, retry }',
    tests: ['test/bridge/cookies.test.ts', '-t', 'only with withCredentials'],
  },
  {
    name: 'bridge: a start message with a withCredentials that is not a boolean is taken',
    file: 'src/bridge/protocol.ts',
    from: "    return 'options.withCredentials should be a boolean';",
    to: '    return undefined;',
    tests: ['test/bridge/cookies.test.ts', '-t', 'crosses in both forms'],
  },
  {
    name: 'bridge: allowedPaths is not enforced',
    file: 'src/arkts/bridge-host.ts',
    from: '    const dir = this.dirs.find((d) => path.startsWith(`${d}/`));\n    if (!dir) throw',
    to: "    const dir = this.dirs.find((d) => path.startsWith(`${d}/`)) ?? '/data';\n    if (!dir) throw",
    tests: ['test/bridge/security.test.ts', '-t', 'outside the allowed directories'],
  },
  {
    name: 'bridge: the allowed-directory check reads filePath as written, not normalised',
    file: 'src/arkts/bridge-host.ts',
    from: '    const dir = this.dirs.find((d) => path.startsWith(`${d}/`));',
    to: '    const dir = this.dirs.find((d) => filePath.startsWith(`${d}/`));',
    tests: ['test/bridge/security.test.ts', '-t', 'outside the allowed directories'],
  },
  {
    name: 'bridge: symlinks are followed',
    file: 'src/arkts/bridge-host.ts',
    from: '      if (isLink)\n        throw',
    to: '      if (isLink && false)\n        throw',
    tests: ['test/bridge/security.test.ts', '-t', 'symlink'],
  },
  {
    name: 'bridge: an lstat that errs ends the walk, and the upload goes on unchecked',
    file: 'src/arkts/bridge-host.ts',
    from: '        if ((err as { code?: unknown } | null)?.code === ENOENT) break;',
    to: '        break;',
    tests: ['test/bridge/fail-closed.test.ts', '-t', 'lstat failing'],
  },
  {
    name: "bridge: a page load does not end the previous page's uploads",
    file: 'src/arkts/bridge-host.ts',
    from: '    this.pageBegins = true;\n    // The page is being left: nobody is there to tell.\n    this.endUploads(false);',
    to: '    this.pageBegins = true;',
    tests: ['test/bridge/events.test.ts', '-t', 'a reload aborts'],
  },
  {
    name: 'bridge: a page id not seen before is a page load, even where onPageBegin is forwarded',
    file: 'src/arkts/bridge-host.ts',
    from: '        if (!this.pageBegins && m.page !== this.page) {',
    to: '        if (m.page !== this.page) {',
    tests: ['test/bridge/fail-closed.test.ts', '-t', 'is no page load'],
  },
  {
    name: 'bridge (fuzz): a page id not seen before is a page load, even where onPageBegin is forwarded',
    file: 'src/arkts/bridge-host.ts',
    from: '        if (!this.pageBegins && m.page !== this.page) {',
    to: '        if (m.page !== this.page) {',
    tests: ['test/bridge/hostile.test.ts', '-t', 'near-valid messages'],
  },
  {
    name: 'bridge: the uploads ended on the word of a page id are not told (the page waits out its timeout)',
    file: 'src/arkts/bridge-host.ts',
    from: '          this.endUploads(true, m.page);',
    to: '          this.endUploads(false, m.page);',
    tests: ['test/bridge/fail-closed.test.ts', '-t', 'fail abort at once'],
  },
  {
    name: "bridge: the per-page cap counts one page id's uploads, which a page can forge",
    file: 'src/arkts/bridge-host.ts',
    from: '    if (this.pageBegins) return this.entries.size;\n',
    to: '',
    tests: ['test/bridge/fail-closed.test.ts', '-t', 'widen the page'],
  },
  {
    name: 'bridge: maxUploadsPerPage is taken as it is (NaN: no cap at all)',
    file: 'src/arkts/bridge-host.ts',
    from: '  if (max !== undefined && !(Number.isSafeInteger(max) && max > 0)) {',
    to: '  if (false) {',
    tests: ['test/bridge/fail-closed.test.ts', '-t', 'maxUploadsPerPage'],
  },
  {
    name: "bridge: the library's temporary copies may be uploaded by pages",
    file: 'src/arkts/bridge-host.ts',
    from: "    if (path.split('/').indexOf(COPY_DIR) >= 0) {",
    to: "    if (path.split('/').indexOf(COPY_DIR) >= 0 && false) {",
    tests: ['test/bridge/security.test.ts', '-t', 'temporary copies'],
  },
  {
    name: 'bridge: the temporary-copy rule reads filePath as written, not decoded',
    file: 'src/arkts/bridge-host.ts',
    from: "    if (path.split('/').indexOf(COPY_DIR) >= 0) {",
    to: "    if (filePath.split('/').indexOf(COPY_DIR) >= 0) {",
    tests: ['test/bridge/security.test.ts', '-t', 'temporary copies'],
  },
  {
    name: 'bridge: a refusal is addressed to the running upload it names',
    file: 'src/arkts/bridge-host.ts',
    from: "type: 'refused', id: owned ? undefined : id, reason",
    to: "type: 'refused', id, reason",
    tests: ['test/bridge/security.test.ts', '-t', 'malformed, wrong-version'],
  },
  {
    name: 'bridge: progress is forwarded for every platform report (no coalescing)',
    file: 'src/core/progress.ts',
    from: '    if (percent <= this.lastPercent) return undefined;',
    to: '    if (sent < 0) return undefined;',
    tests: ['test/bridge/events.test.ts', '-t', 'messages per upload'],
  },
  {
    name: 'bridge: answers are pasted into the script as text, not base64',
    file: 'src/bridge/protocol.ts',
    from: '.receive("${encodeBase64Utf8(JSON.stringify(message))}")',
    to: ".receive(btoa(unescape(encodeURIComponent('${JSON.stringify(message)}'))))",
    tests: ['test/bridge/events.test.ts', '-t', 'answers cross as data'],
  },
  {
    name: 'picker files: a page may name user files without allowUserFiles',
    file: 'src/arkts/bridge-host.ts',
    from: 'if (this.options.allowUserFiles === true) return resolveContext(this.options.context);',
    to: 'return resolveContext(this.options.context);',
    tests: ['test/bridge/sources.test.ts', '-t', 'refused unless the app allows'],
  },
  {
    name: 'picker files: an internal:// path may climb out of its directory',
    file: 'src/arkts/files.ts',
    from: 'return path !== undefined && base !== undefined && path.startsWith(`${base}/`) ? path : undefined;',
    to: 'return path;',
    tests: ['test/arkts/adapter.test.ts', '-t', 'refuses internal'],
  },
  {
    name: "picker files: the descriptor a user file's copy is made from is never closed",
    file: 'src/arkts/files.ts',
    from: '    closeFile(file);',
    to: '',
    tests: ['test/arkts/sources.test.ts', '-t', 'file://media/: the server receives'],
  },
  {
    name: 'http: the HttpRequest is not destroyed at the end',
    file: 'src/arkts/http-transport.ts',
    from: "      request.off('dataSendProgress');\n      request.destroy();",
    to: "      request.off('dataSendProgress');",
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
    from: 'contentType: p.contentType, filePath: paths[i] }',
    to: 'contentType: p.contentType, filePath: paths[i], remoteFileName: p.fileName }',
    tests: ['test/arkts/http.test.ts', '-t', 'travels from a copy'],
  },
  {
    name: 'files: files and filePath at once are taken, files winning',
    file: 'src/core/options.ts',
    from: '  const given = ONE_FILE.find((key) => !absent(o[key]));',
    to: '  const given = undefined;',
    tests: ['test/core/options.test.ts', '-t', 'files with filePath'],
  },
  {
    name: 'files: request.agent is given several files (it would send a request each)',
    file: 'src/arkts/upload.ts',
    from: "if (backend === 'agent') return count > 1 ? failing(oneRequestOnly('request.agent', count)) : agentTransport;",
    to: "if (backend === 'agent') return agentTransport;",
    tests: ['test/arkts/files.test.ts', '-t', 'several files: a parameter error'],
  },
  {
    name: 'files: background mode is given several files (request.agent would send a request each)',
    file: 'src/arkts/upload.ts',
    from: '    return count > 1 ? failing(oneFileInBackground(count)) : backgroundTransport;',
    to: '    return backgroundTransport;',
    tests: ['test/arkts/background.test.ts', '-t', 'files with several entries'],
  },
  {
    name: 'files over the bridge: background is not carried for the files form',
    file: 'src/hybrid/bridge-transport.ts',
    from: '  if (req.background) {',
    to: "  if (req.background && req.form !== 'files') {",
    tests: ['test/bridge/background.test.ts', '-t', 'files with'],
  },
  {
    name: 'files on the page: web data in the files form is uploaded in background mode by the page',
    file: 'src/hybrid/index.ts',
    from: '    if (req.background) {',
    to: "    if (req.background && req.form !== 'files') {",
    tests: ['test/bridge/background.test.ts', '-t', 'files of web data'],
  },
  {
    name: 'files: a hybrid upload may mix web data and native paths',
    file: 'src/hybrid/sources.ts',
    from: '    if (other < 0) return undefined;',
    to: '    if (other < 0 || other > 0) return undefined;',
    tests: ['test/hybrid/files.test.ts', '-t', 'web data and a native path'],
  },
  {
    name: 'http: an empty form field is handed to the platform (which drops it)',
    file: 'src/arkts/http-transport.ts',
    from: "  const empty = req.formData.find((f) => f.value === '');",
    to: '  const empty = undefined;',
    tests: ['test/arkts/http.test.ts', '-t', 'cannot send'],
  },
  {
    name: 'bridge: set-cookie headers reach the page',
    file: 'src/arkts/bridge-host.ts',
    from: "  if (!('set-cookie' in header) && !('set-cookie2' in header)) return header;",
    to: '  return header;',
    tests: ['test/bridge/security.test.ts', '-t', 'no set-cookie'],
  },
  {
    name: 'bridge: a call is compared with the top page fragment and all',
    file: 'src/arkts/bridge-host.ts',
    from: 'withoutFragment(frame) !== withoutFragment(top)',
    to: 'frame !== top',
    tests: ['test/bridge/security.test.ts', '-t', 'hash router'],
  },
  {
    name: "bridge: ArkWeb's data folder may be uploaded by pages",
    file: 'src/arkts/bridge-host.ts',
    from: '    if (ARKWEB_DATA.test(path)) {',
    to: '    if (ARKWEB_DATA.test(path) && false) {',
    tests: ['test/bridge/security.test.ts', '-t', "ArkWeb's own data"],
  },
  {
    name: "bridge: pages' uploads share the app's queue",
    file: 'src/arkts/upload.ts',
    replace: [
      [
        'export function createArkTsEngine(): UploadEngine<ArkTsUploadFileOptions> {\n  return createUploadEngine',
        'let shared: UploadEngine<ArkTsUploadFileOptions> | undefined;\nexport function createArkTsEngine(): UploadEngine<ArkTsUploadFileOptions> {\n  shared ??= createUploadEngine',
      ],
      ['(arktsSourceRules, arktsTransport);\n}', '(arktsSourceRules, arktsTransport);\n  return shared;\n}'],
    ],
    tests: ['test/bridge/security.test.ts', '-t', 'queue of their own'],
  },
  {
    name: 'one start for every target: the transport starts inside uploadFile(), before a same-turn abort()',
    file: 'src/core/engine.ts',
    from: "    later(() => {\n      if (this.phase === 'running') this.startAttempt();\n    });",
    to: '    this.startAttempt();',
    tests: ['test/core/engine.test.ts', '-t', 'in the same turn as uploadFile'],
  },
  {
    name: 'queue: an aborted upload the platform still sends frees its place at once',
    file: 'src/core/engine.ts',
    from: '    if (!stopping) {\n      this.engine.scheduler.release();',
    to: '    if (true) {\n      this.engine.scheduler.release();',
    tests: ['test/core/engine.test.ts', '-t', 'keeps its place until it stops'],
  },
  {
    name: 'leaks: the copies an earlier process left behind are never deleted',
    file: 'src/arkts/staging.ts',
    from: '  await sweepOnce(cacheDir);',
    to: '  void sweepOnce;',
    tests: ['test/arkts/staging.test.ts', '-t', 'left-over'],
  },
];

const appliesOnly = process.argv[2] === '--applies';
const only = appliesOnly ? undefined : process.argv[2];
let failures = 0;
if (appliesOnly) {
  for (const m of mutations) {
    const text = readFileSync(m.file, 'utf8');
    for (const [from] of m.replace ?? [[m.from, m.to]]) {
      if (text.includes(from)) continue;
      console.error(`check-mutations: "${m.name}" no longer finds the code it mutates in ${m.file}`);
      failures++;
    }
  }
  if (failures === 0) console.log(`check-mutations: all ${mutations.length} mutations find the code they mutate`);
  process.exit(failures ? 1 : 0);
}
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
