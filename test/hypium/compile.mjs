// Step 1 of `npm run test:hypium`: compiles the hypium suites as the ArkTS compiler would (the program
// of scripts/arkts/program.mjs, which lint:arkts checks) and emits them as ES modules into build/hypium:
// List.test.ets, the suites and support modules it imports, and what those import: the library through
// ./harmony-upload-task.ets, ./Index.ets and src/**/*.ts. Only files the suites reach are compiled; the
// device-only ones (testrunner/, support/DeviceFiles.ets) need platform modules the emulation lacks.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  ROOT,
  arkTsDiagnostics,
  compilerOptions,
  createArkTsProgram,
  formatDiagnostic,
} from '../../scripts/arkts/program.mjs';

export const OUT_DIR = join(ROOT, 'build/hypium');
const TEST_DIR = join(ROOT, 'entry/src/ohosTest/ets');
const ROOTS = [join(TEST_DIR, 'test/List.test.ets'), join(TEST_DIR, 'support/TestEnvironment.ets')];

rmSync(OUT_DIR, { recursive: true, force: true });
const builder = createArkTsProgram(
  ROOTS,
  // Source maps: with node --enable-source-maps, a failing case's stack points into the .ets file.
  compilerOptions({ outDir: OUT_DIR, rootDir: ROOT, sourceMap: true }),
);
const program = builder.getProgram();
const etsFiles = program
  .getSourceFiles()
  .map((file) => file.fileName)
  .filter((name) => name.endsWith('.ets') && name.startsWith(`${ROOT}/`) && !name.includes('/node_modules/'));
const problems = arkTsDiagnostics(builder, etsFiles);
const emitted = builder.emit();
problems.push(...emitted.diagnostics.map(formatDiagnostic));
if (problems.length > 0 || emitted.emitSkipped) {
  for (const problem of problems) console.error(problem);
  console.error(`test:hypium: the suites do not compile (${problems.length} problems)`);
  process.exit(1);
}
console.log(`test:hypium: compiled ${etsFiles.length} .ets files and what they import into build/hypium`);
