// The operator guide is what Logto's console shows (metadata.readme): it must document every
// field of the console form and every Tencent code the connector points at a config key.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import createConnector from '../lib/index.js';

const read = (relative) => readFileSync(new URL(`../${relative}`, import.meta.url), 'utf8');

test('the guide documents every field of the console form', async () => {
  const { metadata } = await createConnector({});
  const guide = read(metadata.readme);
  for (const { key, label } of metadata.formItems) {
    assert.ok(guide.includes(`\`${key}\``), `the guide names ${key}`);
    assert.ok(guide.includes(label), `the guide names the form label ${label}`);
  }
});

test('the guide says what to do for each config key a Tencent refusal can point at', () => {
  const errorRows = read('docs/operator-guide.md')
    .split('\n')
    .filter((line) => line.startsWith('| key path') || line.includes('with key path'));
  for (const path of [
    'accessKeyId',
    'accessKeySecret',
    'sdkAppId',
    'region',
    'signName',
    'templates.N.signName',
    'templates.N.templateCode',
    'templates.N.international',
  ]) {
    assert.ok(
      errorRows.some((row) => row.includes(`\`${path}\``)),
      `the error table covers ${path}`,
    );
  }
});
