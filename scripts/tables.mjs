// The documentation's generated tables, each rendered from the one data file the tests also
// read: `node scripts/tables.mjs` rewrites them in place; `__test__/tables.test.mjs` fails when
// a document and the data disagree. A table sits between `<!-- table:<name> -->` and
// `<!-- /table:<name> -->` in the document that `tables` names.

import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

const readJson = (file) => JSON.parse(readFileSync(path.join(root, file), 'utf8'));

/** `docs/tables/tencent-errors.json`: how each failure reaches Logto. */
export const tencentErrors = () => readJson('docs/tables/tencent-errors.json').rows;

const renderTencentErrors = (rows) =>
  [
    '| situation | examples | code (HTTP in Logto) |',
    '|---|---|---|',
    ...rows.map(({ situation, tencentCodes, alsoCovers, inLogto }) => {
      const examples = [...tencentCodes.map((code) => `\`${code}\``), ...(alsoCovers ? [alsoCovers] : [])].join(', ');
      return `| ${situation} | ${examples} | ${inLogto} |`;
    }),
  ].join('\n');

/**
 * Every bound the connector enforces, read from the constants that enforce it (the addon's
 * `limitsJson`): the bounds table is rendered from it, and text may name one as `{name}`.
 */
export const limits = () => JSON.parse(createRequire(import.meta.url)('../lib/native.cjs').limitsJson());

/** `text` with each `{name}` of a bound replaced by its value. */
export const withLimits = (text, values = limits()) =>
  text.replace(/\{([a-zA-Z]+)\}/g, (_whole, name) => {
    if (!(name in values)) {
      throw new Error(`no bound named ${name} (in "${text}")`);
    }
    return String(values[name]);
  });

/** `docs/tables/faults.json`: what `sendMessage` does for each failure, its bounds filled in. */
export const faults = () => {
  const values = limits();
  return readJson('docs/tables/faults.json').rows.map((row) => ({ ...row, fault: withLimits(row.fault, values), bound: withLimits(row.bound, values) }));
};

/** The bounds table: each bound, its value and what it bounds (from `docs/tables/bounds.json`). */
const renderBounds = () => {
  const values = limits();
  const { rows } = readJson('docs/tables/bounds.json');
  const missing = Object.keys(values).filter((name) => !rows.some((row) => row.name === name));
  if (missing.length > 0) {
    throw new Error(`docs/tables/bounds.json does not describe ${missing.join(', ')}`);
  }
  return [
    '| bound | value | what it bounds |',
    '|---|---|---|',
    ...rows.map(({ name, unit, what }) => `| \`${name}\` | ${values[name]}${unit ? ` ${unit}` : ''} | ${what} |`),
  ].join('\n');
};

const renderFaults = (rows) =>
  [
    '| fault | `ConnectorError` code | requests sent | bound |',
    '|---|---|---|---|',
    ...rows.map(({ fault, outcome, requests, bound }) => `| ${fault} | ${outcome} | ${requests} | ${bound} |`),
  ].join('\n');

/** Each table: the document it stands in, and how it is rendered. */
export const tables = {
  'tencent-errors': { document: 'docs/configuration.md', render: () => renderTencentErrors(tencentErrors()) },
  faults: { document: 'docs/security-and-reliability.md', render: () => renderFaults(faults()) },
  bounds: { document: 'docs/security-and-reliability.md', render: renderBounds },
};

/** The documents that hold tables, as paths from the repository's root. */
export const documents = () => [...new Set(Object.values(tables).map(({ document }) => document))];

export const documentPath = (document) => path.join(root, document);

const markers = (name) => [`<!-- table:${name} -->\n`, `\n<!-- /table:${name} -->`];

/** `text` of `document` with each of its tables rendered afresh. */
export const withTables = (document, text) =>
  Object.entries(tables)
    .filter(([, table]) => table.document === document)
    .reduce((current, [name, { render }]) => {
      const [open, close] = markers(name);
      const start = current.indexOf(open);
      const end = current.indexOf(close, start);
      if (start < 0 || end < 0) {
        throw new Error(`${document} has no ${open.trim()} … ${close.trim()} block`);
      }
      return `${current.slice(0, start + open.length)}${render()}${current.slice(end)}`;
    }, text);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const document of documents()) {
    writeFileSync(documentPath(document), withTables(document, readFileSync(documentPath(document), 'utf8')));
  }
  console.log(`tables rendered: ${Object.keys(tables).join(', ')}`);
}
