// npm run check:package: the published package as a user gets it.
// - package.json and oh-package.json5 (the OHPM package) agree on name, version, description and licence,
//   and on the hypium version the suites run with;
// - publint: the files the export map names exist and are of the right kind;
// - attw (Are the types wrong?): every entry's types resolve as the runtime resolves its code, for ESM
//   consumers and bundlers (the package is ES modules only: CommonJS and node10 are not targets).
// Needs a build (npm run build) first.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import JSON5 from 'json5';

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
console.log('check:package: package.json and oh-package.json5 agree; publint and attw found nothing');
