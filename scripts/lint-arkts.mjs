#!/usr/bin/env node
// npm run lint:arkts — every .ets file of the repository through ohos-typescript as the ArkTS compiler
// sees it: the ArkUI syntax (the SDK's `ets` options), strict type checking, and the ArkTS linter
// (ArkTSLinter_1_1). Prints each problem; exits 1 if there is any.
//
// The SDK is not part of the repository (nor on npm), so platform modules and ArkUI
// components are typed by stand-ins: src/platform-types (the library's) and scripts/arkts/stubs (the
// app's and the tests'), both trimmed from the API 12 SDK. A component, attribute or platform member
// that no stand-in declares is an error here ("Cannot find name", "Property ... does not exist"):
// declare it in the stubs, copied from the SDK. What the stand-ins cannot vouch for is printed at the
// end; the ArkTS SDK check (docs/deveco.md) runs the same checks against the real SDK.
import { relative } from 'node:path';
import {
  ROOT,
  STUBS_DIR,
  arkTsDiagnostics,
  compilerOptions,
  createArkTsProgram,
  declarationFiles,
  findEtsFiles,
  ts,
} from './arkts/program.mjs';

const files = findEtsFiles();
if (files.length === 0) {
  console.log('lint:arkts: no .ets files');
  process.exit(0);
}

const builder = createArkTsProgram(files, compilerOptions({ noEmit: true }));
const problems = arkTsDiagnostics(builder, files);
for (const problem of problems) console.log(problem);

/** For each file, the names it uses that only a stand-in declares (so only the SDK can confirm them). */
function standInNames(program) {
  const checker = program.getTypeChecker();
  const standIns = new Set(declarationFiles());
  const byFile = new Map();
  for (const file of files) {
    const source = program.getSourceFile(file);
    if (!source) continue;
    const names = new Set();
    const visit = (node) => {
      if (ts.isIdentifier(node)) {
        let symbol = checker.getSymbolAtLocation(node);
        if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
        const declaration = symbol?.declarations?.[0];
        if (declaration && standIns.has(declaration.getSourceFile().fileName)) names.add(node.text);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    if (names.size > 0) byFile.set(relative(ROOT, file), [...names].sort());
  }
  return byFile;
}

const uiFiles = files.filter((file) => /^\s*struct\s/m.test(builder.getProgram().getSourceFile(file)?.text ?? ''));
console.log('');
console.log('Not checked here:');
console.log(
  `- the stand-ins: these names are declared only by src/platform-types or ${relative(ROOT, STUBS_DIR)}, and checked`,
);
console.log('  against those, not the SDK (the ArkTS SDK check, docs/deveco.md, checks them against the API 12 SDK):');
for (const [file, names] of standInNames(builder.getProgram())) {
  console.log(`    ${file}: ${names.join(', ')}`);
}
console.log(`- the ArkUI compiler's own checks of UI files (ets-loader: decorator and build() rules, $r/$rawfile`);
console.log(
  `  resources), in ${uiFiles.length} file(s): ${uiFiles.map((file) => relative(ROOT, file)).join(', ') || 'none'};`,
);
console.log(
  '- the .ts sources the .ets files import (ArkTS rules apply to .ets only; tsc and the SDK type-check check them).',
);
console.log('');
console.log(
  `lint:arkts: ${files.length} .ets files, ${problems.length} problems (ArkUI syntax, strict types, ArkTS linter 1.1)`,
);
process.exit(problems.length > 0 ? 1 : 0);
