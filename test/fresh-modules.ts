/**
 * Setup of every integration test file. The integration files share their worker processes (vitest's
 * `isolate: false`), so that Node's modules (Playwright, esbuild, fast-check...) and one Chromium are
 * loaded once per worker, not once per file. What a file could leave to the next one is reset here, as if
 * each file had a process of its own:
 * - this project's own modules (the library, the emulator, the server, the test helpers) are loaded anew
 *   for each file: the library's settings, the emulator's state and its sandbox start from nothing;
 * - globals a file sets (ArkUI's `getContext()` and the other globals an ArkTS app's code expects, a
 *   page's `window` of Taro's runtime) are taken back when it ends, and globals it changed are restored.
 *   Symbol-keyed globals stay: they are what is shared on purpose (one Chromium, one page script).
 */
import { afterAll, vi } from 'vitest';

vi.resetModules();

/** vitest's own per-worker globals, which it manages itself. */
const VITEST_OWN = /^__vitest|^__VITEST/;

const before = new Map<string, PropertyDescriptor>();
for (const key of Object.getOwnPropertyNames(globalThis)) {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, key);
  if (descriptor && !VITEST_OWN.test(key)) before.set(key, descriptor);
}

function same(a: PropertyDescriptor, b: PropertyDescriptor): boolean {
  return a.value === b.value && a.get === b.get && a.set === b.set;
}

afterAll(() => {
  for (const key of Object.getOwnPropertyNames(globalThis)) {
    if (VITEST_OWN.test(key)) continue;
    const now = Object.getOwnPropertyDescriptor(globalThis, key);
    const was = before.get(key);
    if (was === undefined) {
      if (now?.configurable) Reflect.deleteProperty(globalThis, key);
    } else if (now && !same(now, was) && now.configurable) {
      Object.defineProperty(globalThis, key, was);
    }
  }
});
