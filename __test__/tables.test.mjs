// The documentation's generated tables match their data files (render them with
// `node scripts/tables.mjs`); the code's tests read the same files.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { documentPath, documents, tables, withTables } from '../scripts/tables.mjs';

test('every generated table is rendered from its data file', () => {
  assert.ok(Object.keys(tables).length > 0);
  for (const document of documents()) {
    const text = readFileSync(documentPath(document), 'utf8');
    assert.equal(text, withTables(document, text), `${document} tables are stale: run node scripts/tables.mjs`);
  }
});
