// The config's keys are named once, in the core (`crates/tencent-sms-core/src/schema.rs`, whose
// own tests check that validation reads every one and that the console form is its top level);
// here every other copy is checked against it: the declarations in `index.d.ts`, the documents'
// key tables and the guard's page of the operator guide. A key added in one place only fails.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';

const read = (relative) => readFileSync(new URL(`../${relative}`, import.meta.url), 'utf8');
const schema = JSON.parse(createRequire(import.meta.url)('../lib/native.cjs').configSchemaJson());
const sorted = (keys) => [...keys].sort();

/** The property names of the object type that starts at `opening` in `text`, at `indent`. */
const properties = (text, opening, indent) => {
  const start = text.indexOf(opening);
  assert.ok(start >= 0, `index.d.ts has ${opening}`);
  const body = text.slice(start + opening.length);
  const end = body.search(new RegExp(`\\n${' '.repeat(indent - 2)}\\}`));
  return [...body.slice(0, end).matchAll(new RegExp(`^ {${indent}}(\\w+)\\??:`, 'gm'))].map((m) => m[1]);
};

test('index.d.ts declares every config key, at every level, and no other', () => {
  const types = read('index.d.ts');
  assert.deepEqual(sorted(properties(types, 'export type TencentSmsConfig = {', 2)), sorted(schema.topLevel.map((k) => k.key)));
  const rules = properties(types, 'export type TencentSmsGuardRules = {', 2);
  assert.deepEqual(sorted([...rules, ...properties(types, '  guard?: TencentSmsGuardRules & {', 4)]), sorted(schema.guard));
  assert.deepEqual(sorted(properties(types, 'export type TencentSmsTemplate = {', 2)), sorted(schema.template));
  assert.deepEqual(sorted(properties(types, 'export type TencentSmsSite = Partial<{', 2)), sorted(schema.internationalSite));
  const credentials = types.slice(types.indexOf('export type TencentSmsCredentials ='), types.indexOf('/** The connector config'));
  assert.deepEqual(sorted(new Set([...credentials.matchAll(/(\w+)\??:/g)].map((m) => m[1]))), sorted(schema.credentials));
  const config = types.slice(types.indexOf('export type TencentSmsConfig = {'));
  for (const { key, required } of schema.topLevel) {
    const optional = new RegExp(`^  ${key}\\?:`, 'm').test(config);
    assert.equal(optional, required !== 'yes', `${key} is ${required === 'yes' ? 'required' : 'optional'}`);
  }
});

test("docs/configuration.md's key tables have a row for every key, and no other", () => {
  const text = read('docs/configuration.md');
  const table = (heading) => {
    const start = text.indexOf('| key |', text.indexOf(heading));
    const rows = text.slice(start).split('\n\n')[0].split('\n').slice(2);
    return rows.map((row) => /^\| `(\w+)` \|/.exec(row)?.[1]).filter(Boolean);
  };
  assert.deepEqual(sorted(table('## The config keys')), sorted(schema.topLevel.map((k) => k.key)));
  assert.deepEqual(sorted(table('It is off unless the config has `guard`')), sorted(schema.guard));
  for (const { key, required } of schema.topLevel) {
    const row = text.split('\n').find((line) => line.startsWith(`| \`${key}\` |`));
    assert.equal(row.split('|')[2].trim().startsWith('yes'), required !== 'no', `${key}: ${row.split('|')[2]}`);
  }
});

test("the guard's page of the operator guide explains every guard key", () => {
  const page = read('docs/guide/guard.md');
  for (const key of schema.guard) {
    assert.match(page, new RegExp(`^- (\`\\w+\` / )*\`${key}\``, 'm'), `guard.${key}`);
  }
});
