// The README's generated tables match their data files (render them with
// `node scripts/tables.mjs`); the code's tests read the same files.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { readmePath, tables, withTables } from '../scripts/tables.mjs';

test('every README table is rendered from its data file', () => {
  const readme = readFileSync(readmePath, 'utf8');
  assert.ok(Object.keys(tables).length > 0);
  assert.equal(readme, withTables(readme), 'README.md tables are stale: run node scripts/tables.mjs');
});
