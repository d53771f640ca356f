/**
 * The demo page's script: a plain script on the IIFE build's global, HarmonyUploadTask, as a web page
 * without a bundler would use it.
 */
/* global HarmonyUploadTask */
(() => {
  /** Milliseconds: a large file on the slow server takes minutes, longer than the default 60 s. */
  const TIMEOUT = 10 * 60 * 1000;
  /** The upload server reads at about this many bytes per second when asked (?readBps=). */
  const SLOW_BPS = 2 * 1024 * 1024;

  /** @param {string} id */
  function el(id) {
    const found = document.getElementById(id);
    if (!found) throw new Error(`#${id} is missing from the page`);
    return found;
  }

  const input = /** @type {HTMLInputElement} */ (el('file'));
  const slow = /** @type {HTMLInputElement} */ (el('slow'));
  const uploadButton = /** @type {HTMLButtonElement} */ (el('upload'));
  const cancelButton = /** @type {HTMLButtonElement} */ (el('cancel'));

  /** @type {{ abort(): void } | undefined} */
  let task;

  /** @param {number} bytes */
  function formatBytes(bytes) {
    if (bytes < 1024) return `${bytes} B`;
    if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
    return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  }

  /** @param {number} percent @param {number} sent @param {number} total */
  function showProgress(percent, sent, total) {
    el('fill').style.width = `${percent}%`;
    el('bar').setAttribute('aria-valuenow', String(percent));
    el('percent').textContent = `${percent} %`;
    el('bytes').textContent = `${formatBytes(sent)} of ${formatBytes(total)}`;
  }

  /**
   * @param {'idle' | 'uploading' | 'success' | 'fail'} state
   * @param {string} title
   * @param {{ status?: string, sha256?: string, errMsg?: string }} fields
   */
  function showResult(state, title, fields) {
    el('result').dataset.state = state;
    el('result-title').textContent = title;
    el('status').textContent = fields.status ?? '–';
    el('sha256').textContent = fields.sha256 ?? '–';
    el('errmsg').textContent = fields.errMsg ?? '–';
  }

  /**
   * The sha256 the upload server computed, from its JSON answer; undefined for another answer.
   * @param {string} data
   */
  function serverSha256(data) {
    try {
      const body = JSON.parse(data);
      return body && Array.isArray(body.files) && body.files[0] ? String(body.files[0].sha256) : undefined;
    } catch {
      return undefined;
    }
  }

  /** @param {boolean} running */
  function setRunning(running) {
    uploadButton.disabled = running || !input.files || input.files.length === 0;
    cancelButton.disabled = !running;
    input.disabled = running;
    slow.disabled = running;
  }

  input.addEventListener('change', () => {
    const file = input.files?.[0];
    el('file-name').textContent = file ? `${file.name} · ${formatBytes(file.size)}` : 'No file chosen';
    setRunning(false);
  });

  uploadButton.addEventListener('click', () => {
    const file = input.files?.[0];
    if (!file) return;
    // uploadFile takes absolute http(s) URLs only: /upload on this page's own server.
    const url = new URL(slow.checked ? `/upload?readBps=${SLOW_BPS}` : '/upload', location.href).href;
    showProgress(0, 0, file.size);
    showResult('uploading', `Uploading ${file.name}…`, {});
    setRunning(true);

    const current = HarmonyUploadTask.uploadFile({ url, filePath: file, name: 'file', timeout: TIMEOUT });
    task = current;
    current.onProgressUpdate((p) => showProgress(p.progress, p.totalBytesSent, p.totalBytesExpectedToSend));
    current
      .then(
        (res) => {
          const ok = res.statusCode >= 200 && res.statusCode < 300;
          showResult(ok ? 'success' : 'fail', ok ? 'Uploaded.' : 'The server refused the upload.', {
            status: String(res.statusCode),
            sha256: serverSha256(res.data),
          });
        },
        (err) =>
          showResult('fail', err.errMsg === 'uploadFile:fail abort' ? 'Cancelled.' : 'The upload failed.', {
            errMsg: err.errMsg,
          }),
      )
      .finally(() => {
        if (task === current) task = undefined;
        setRunning(false);
      });
  });

  cancelButton.addEventListener('click', () => {
    if (task) task.abort();
  });

  setRunning(false);
})();
