// The ohos-typescript program over the repository's ArkTS, shared by scripts/lint-arkts.mjs (checks
// every .ets file) and test/hypium/compile.mjs (emits the hypium suites as JS): one set of options,
// declarations and module resolution, so that what the linter accepted is what the suites run.
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
/** ohos-typescript: TypeScript 4.9 with .ets, the ArkUI syntax and the ArkTS linter. */
export const ts = require('ohos-typescript');

const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(HERE, '../..');
export const STUBS_DIR = join(HERE, 'stubs');

/** Never ours to check: installed packages and build output (the same list as the ArkTS SDK check, docs/deveco.md). */
const SKIPPED_DIRS = new Set(['node_modules', 'oh_modules', 'build', 'dist']);

function walk(dir, keep, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || SKIPPED_DIRS.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, keep, out);
    else if (keep(path)) out.push(path);
  }
  return out;
}

/** Every .ets file of the repository, sorted. */
export function findEtsFiles() {
  return walk(ROOT, (path) => path.endsWith('.ets'), []).sort();
}

/**
 * The declarations that stand in for the SDK: the library's own (src/platform-types, for the modules
 * src/ imports) and the stubs for what the app and the tests use besides (ArkUI, abilities, hilog...).
 * A stub named like a file of src/platform-types replaces it: it declares the library's members too.
 */
export function declarationFiles() {
  const isDts = (path) => path.endsWith('.d.ts');
  const stubs = walk(STUBS_DIR, isDts, []);
  const replaced = new Set(stubs.map((path) => basename(path)));
  const library = walk(join(ROOT, 'src/platform-types'), isDts, []).filter((path) => !replaced.has(basename(path)));
  return [...library, ...stubs].sort();
}

/** The ArkUI compiler's `ets` options of the API 12 SDK (build-tools/ets-loader): struct, decorators, components. */
const etsOptions = require('./ets-compiler-options.json').ets;

/**
 * The options of the ArkTS SDK check (docs/deveco.md), without the SDK: platform modules come from the ambient
 * declarations above; any other bare name resolves Node-style from the root (baseUrl), which is how
 * `import ... from 'harmony-upload-task'` reaches ./harmony-upload-task.ets.
 */
export function compilerOptions(extra = {}) {
  return {
    ets: etsOptions,
    target: ts.ScriptTarget.ES2021,
    lib: ['lib.es2021.d.ts'],
    types: [],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.NodeJs,
    experimentalDecorators: true,
    strict: true,
    skipLibCheck: true,
    allowJs: false,
    baseUrl: ROOT,
    ...extra,
  };
}

/** An ArkTS builder program (what ArkTSLinter_1_1.runArkTSLinter takes) over the files and the declarations. */
export function createArkTsProgram(rootFiles, options) {
  const host = ts.createIncrementalCompilerHost(options);
  return ts.createIncrementalProgramForArkTs({ rootNames: [...rootFiles, ...declarationFiles()], options, host });
}

/** Syntax, types, then the ArkTS linter (1.1): the diagnostics of `files` only, each once. */
export function arkTsDiagnostics(builder, files) {
  const program = builder.getProgram();
  const wanted = new Set(files.map((file) => resolve(file)));
  const all = [
    ...program.getSyntacticDiagnostics(),
    ...program.getSemanticDiagnostics(),
    ...ts.ArkTSLinter_1_1.runArkTSLinter(builder, undefined, undefined, '1.1'),
  ];
  const seen = new Set();
  const out = [];
  for (const diagnostic of all) {
    if (!diagnostic.file || !wanted.has(resolve(diagnostic.file.fileName))) continue;
    const text = formatDiagnostic(diagnostic);
    if (seen.has(text)) continue;
    seen.add(text);
    out.push(text);
  }
  return out;
}

/** `path:line:col message`, the path relative to the repository. */
export function formatDiagnostic(diagnostic) {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
  if (!diagnostic.file) return message;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
  return `${relative(ROOT, diagnostic.file.fileName)}:${line + 1}:${character + 1} ${message}`;
}
