/**
 * Compiles test/taro/types/taro-types.ts with tsc (strict) inside a built fixture app, where @tarojs/taro
 * and this library resolve as they do for the app: from its node_modules, through package exports.
 */
import { cpSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ts from 'typescript';

const TYPE_TEST = fileURLToPath(new URL('./types/taro-types.ts', import.meta.url));

/** The compiler's diagnostics, one line each; [] when the file compiles. */
export function checkTaroTypes(appRoot: string): string[] {
  const dir = join(appRoot, 'type-test');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'taro-types.ts');
  cpSync(TYPE_TEST, file);
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2021,
    lib: ['lib.es2021.d.ts', 'lib.dom.d.ts'],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    esModuleInterop: true,
    jsx: ts.JsxEmit.ReactJSX,
    // As in an app: the libraries' own declarations are not checked, only how the app's code uses them.
    skipLibCheck: true,
    types: [],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file
      ? `${relative(appRoot, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: `
      : '';
    return where + ts.flattenDiagnosticMessageText(d.messageText, ' ');
  });
}
