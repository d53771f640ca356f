/**
 * Setup of every integration test file. The integration files share their worker processes (vitest's
 * `isolate: false`), so that Node's modules (Playwright, esbuild, fast-check...) and one Chromium are
 * loaded once per worker, not once per file. This project's own modules (the library, the emulator, the
 * server, the test helpers) are loaded anew for each file, as in a process of its own: the library's
 * settings, the emulator's state and its sandbox start from nothing in every file.
 */
import { vi } from 'vitest';

vi.resetModules();
