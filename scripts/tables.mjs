// The documentation's generated tables, each rendered from the one data file the tests also
// read: `node scripts/tables.mjs` rewrites them in place; `__test__/tables.test.mjs` fails when
// a document and the data disagree. A table sits between `<!-- table:<name> -->` and
// `<!-- /table:<name> -->` in the document that `tables` names.

import { readFileSync, writeFileSync } from 'node:fs';
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

/** `docs/tables/faults.json`: what `sendMessage` does for each failure. */
export const faults = () => readJson('docs/tables/faults.json').rows;

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
