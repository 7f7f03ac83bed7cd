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

// The console shows the guide in a left panel of the setup dialog and in a drawer: at a
// 1 440 px window, a code line of more than about 90 characters widens the dialog past the
// window and cuts off the form's right edge, and a long guide is many screens of scrolling.
const guide = () => read('docs/operator-guide.md');
const MAX_GUIDE_CHARS = 10_000;
const MAX_CODE_LINE = 80;
const MAX_UNBROKEN = 40;

test('the guide fits the panel: well under half its former 24 600 characters, no line that scrolls sideways', () => {
  const text = guide();
  assert.ok(text.length < MAX_GUIDE_CHARS, `the guide is ${text.length} characters`);
  let inCode = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) {
      inCode = !inCode;
      continue;
    }
    if (inCode) {
      assert.ok(line.length <= MAX_CODE_LINE, `a code line of ${line.length} characters: ${line}`);
      continue;
    }
    // Prose and table cells wrap at spaces; a word, code span or link text cannot.
    const shown = line.replace(/\]\([^)]*\)/g, ']');
    for (const word of shown.split(/\s+/)) {
      assert.ok(word.length <= MAX_UNBROKEN, `an unbreakable run of ${word.length} characters: ${word}`);
    }
  }
});

test("the guide's linked pages exist, ship in the package, and are linked at this version", async () => {
  const { version } = JSON.parse(read('package.json'));
  const links = [...guide().matchAll(/\]\((https:\/\/unpkg\.com\/connector-tencent-sms-rs@([^/]+)\/([^)]+))\)/g)];
  assert.ok(links.length >= 5, 'the guide links its pages');
  const { execFileSync } = await import('node:child_process');
  const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' }))[0].files.map((f) => f.path);
  for (const [, url, linkedVersion, file] of links) {
    assert.equal(linkedVersion, version, `${url} names this version`);
    assert.ok(read(file).startsWith('# '), `${file} exists`);
    assert.ok(packed.includes(file), `${file} is in the npm package, where ${url} serves it`);
  }
});

test('the guide and the form agree on what is required', async () => {
  const { metadata } = await createConnector({});
  const rows = guide()
    .split('\n')
    .filter((line) => line.startsWith('| ') && line.includes('(`'));
  for (const item of metadata.formItems) {
    const row = rows.find((line) => line.includes(`(\`${item.key}\`)`));
    assert.ok(row, `the form table has a row for ${item.key}`);
    const required = row.split('|')[2].trim();
    if (item.required) {
      assert.equal(required, 'yes', item.key);
    } else {
      assert.notEqual(required, 'yes', `${item.key} is optional in the form`);
    }
  }
});
