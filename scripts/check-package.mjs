// npm run check:package: the published package as a user gets it.
// - package.json and oh-package.json5 (the OHPM package) agree on name, version, description and licence,
//   and on the hypium version the suites run with;
// - publint: the files the export map names exist and are of the right kind;
// - attw (Are the types wrong?): every entry's types resolve as the runtime resolves its code, for ESM
//   consumers and bundlers (the package is ES modules only: CommonJS and node10 are not targets);
// - every package the shipped code or declarations of an entry import is declared: a dependency, or a peer
//   dependency (the app's own copy, which a linked or pnpm-installed package can only reach when declared),
//   optional when some entry does not import it; and every declared peer is imported by some entry.
//   HarmonyOS platform modules (@kit.*, @ohos.*) come with the SDK, not from npm.
// Needs a build (npm run build) first.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import JSON5 from 'json5';
import ts from 'typescript';

const npm = JSON.parse(readFileSync('package.json', 'utf8'));
const ohpm = JSON5.parse(readFileSync('oh-package.json5', 'utf8'));
const problems = [];
for (const key of ['name', 'version', 'description', 'license']) {
  if (npm[key] !== ohpm[key])
    problems.push(
      `${key}: package.json has ${JSON.stringify(npm[key])}, oh-package.json5 ${JSON.stringify(ohpm[key])}`,
    );
}
const hypium = (npm.devDependencies?.['@ohos/hypium'] ?? '').replace(/^[\^~]/, '');
if (hypium !== ohpm.devDependencies?.['@ohos/hypium']) {
  problems.push(`@ohos/hypium: package.json has ${hypium}, oh-package.json5 ${ohpm.devDependencies?.['@ohos/hypium']}`);
}

/** The package an import names (`@scope/name` or `name`), or null for a relative import or a platform module. */
function packageOf(specifier) {
  if (specifier.startsWith('.') || /^@(kit|ohos)\./.test(specifier)) return null;
  const parts = specifier.split('/');
  return parts.slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
}

/** The packages a shipped file imports, following its relative imports through the package. */
function importedPackages(file, seen = new Set()) {
  const packages = new Set();
  if (seen.has(file)) return packages;
  seen.add(file);
  for (const { fileName } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
    const name = packageOf(fileName);
    if (name) packages.add(name);
    else if (fileName.startsWith('.')) {
      const next = normalize(join(dirname(file), fileName)).replace(/\.js$/, file.endsWith('.d.ts') ? '.d.ts' : '.js');
      for (const p of importedPackages(next, seen)) packages.add(p);
    }
  }
  return packages;
}

const entries = Object.entries(npm.exports).filter(([, target]) => typeof target === 'object');
const byEntry = entries.map(([entry, target]) => ({
  entry,
  packages: new Set([target.default, target.types].flatMap((file) => [...importedPackages(normalize(file))])),
}));
const dependencies = new Set(Object.keys(npm.dependencies ?? {}));
const peers = npm.peerDependencies ?? {};
for (const { entry, packages } of byEntry) {
  for (const name of packages) {
    if (!dependencies.has(name) && !(name in peers))
      problems.push(`${entry} imports ${name}, which package.json declares neither as a dependency nor as a peer`);
  }
}
for (const name of Object.keys(peers)) {
  const importers = byEntry.filter(({ packages }) => packages.has(name)).map(({ entry }) => entry);
  if (importers.length === 0) problems.push(`peer dependency ${name} is imported by no entry`);
  else if (importers.length < byEntry.length && npm.peerDependenciesMeta?.[name]?.optional !== true)
    problems.push(`peer dependency ${name} is imported only by ${importers.join(', ')}: mark it optional`);
}

for (const p of problems) console.error(`check:package: ${p}`);

function run(command, args) {
  const r = spawnSync(command, args, { stdio: 'inherit' });
  return r.status === 0;
}
const publint = run('npx', ['publint', '--strict']);
const attw = run('npx', ['attw', '--pack', '.', '--profile', 'esm-only', '--format', 'table-flipped']);
if (problems.length || !publint || !attw) {
  console.error('check:package: failed');
  process.exit(1);
}
console.log(
  'check:package: package.json and oh-package.json5 agree; every import of the entries is declared; publint and attw found nothing',
);
