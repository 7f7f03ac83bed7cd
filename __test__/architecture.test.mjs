// docs/architecture.md cannot go stale: it names every source file of the tree, and every file
// it names exists.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const map = readFileSync(path.join(root, 'docs', 'architecture.md'), 'utf8');

/** Source files under `dir` (relative to the root), recursively. */
const sources = (dir) => {
  const full = path.join(root, dir);
  if (!existsSync(full)) {
    return [];
  }
  return readdirSync(full, { withFileTypes: true }).flatMap((entry) => {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      return sources(relative);
    }
    return /\.(rs|js|mjs|cjs|sh|html)$/.test(entry.name) && !entry.name.startsWith('native.') ? [relative] : [];
  });
};

test('the architecture map names every source file', () => {
  const tree = ['crates/tencent-sms-core/src', 'crates/tencent-sms-tc3/src', 'crates/tencent-sms-emulator/src', 'src', 'emulator/src', 'lib', 'bin', 'emulator/lib', 'emulator/bin', 'scripts'].flatMap(sources);
  assert.ok(tree.length > 60);
  const missing = tree.filter((file) => !map.includes(`\`${file}\``));
  assert.deepEqual(missing, [], 'add them to docs/architecture.md');
});

test('every file the architecture map names exists', () => {
  const named = [...map.matchAll(/`((?:crates|src|emulator|lib|bin|scripts)\/[^`\s]+\.\w+)`/g)].map((m) => m[1]);
  assert.ok(named.length > 60);
  assert.deepEqual(named.filter((file) => !existsSync(path.join(root, file))), []);
});
