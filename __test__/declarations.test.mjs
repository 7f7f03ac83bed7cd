// The declarations name exactly what the modules export; `npm run lint` compiles a typed usage
// of them (`__test__/types/usage.ts`), so their shapes cannot drift either. What the addon
// returns is declared in `lib/returned.d.ts`, generated from the Rust types
// (`crates/tencent-sms-runtime/tests/typescript.rs` fails when it is stale).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import * as connector from '../lib/index.js';
import * as emulator from 'tencent-sms-emulator';

const declared = (file) => {
  const text = readFileSync(new URL(file, import.meta.url), 'utf8');
  const names = [...text.matchAll(/^export declare (?:const|function) (\w+)/gm)].map((m) => m[1]);
  return text.includes('export default') ? [...names, 'default'].sort() : names.sort();
};

test('index.d.ts declares every export of lib/index.js, and nothing else', () => {
  assert.deepEqual(declared('../index.d.ts'), Object.keys(connector).sort());
});

test('emulator.d.ts declares every export of tencent-sms-emulator, and nothing else', () => {
  assert.deepEqual(declared('../emulator/emulator.d.ts'), Object.keys(emulator).sort());
});
