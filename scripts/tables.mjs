// The README's generated tables, each rendered from the one data file the tests also read:
// `node scripts/tables.mjs` rewrites them in place; `__test__/tables.test.mjs` fails when the
// README and the data disagree. A table sits between `<!-- table:<name> -->` and
// `<!-- /table:<name> -->`.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const readmePath = path.join(root, 'README.md');

const readJson = (file) => JSON.parse(readFileSync(path.join(root, file), 'utf8'));

/** `docs/tables/tencent-errors.json`: how each failure reaches Logto. */
export const tencentErrors = () => readJson('docs/tables/tencent-errors.json').rows;

const renderTencentErrors = (rows) => [
  '| situation | examples | code (HTTP in Logto) |',
  '|---|---|---|',
  ...rows.map(({ situation, tencentCodes, alsoCovers, inLogto }) => {
    const examples = [...tencentCodes.map((code) => `\`${code}\``), ...(alsoCovers ? [alsoCovers] : [])].join(', ');
    return `| ${situation} | ${examples} | ${inLogto} |`;
  }),
].join('\n');

/** `docs/tables/faults.json`: what `sendMessage` does for each failure. */
export const faults = () => readJson('docs/tables/faults.json').rows;

const renderFaults = (rows) => [
  '| fault | `ConnectorError` code | requests sent | bound |',
  '|---|---|---|---|',
  ...rows.map(({ fault, outcome, requests, bound }) => `| ${fault} | ${outcome} | ${requests} | ${bound} |`),
].join('\n');

export const tables = {
  'tencent-errors': () => renderTencentErrors(tencentErrors()),
  faults: () => renderFaults(faults()),
};

const markers = (name) => [`<!-- table:${name} -->\n`, `\n<!-- /table:${name} -->`];

/** `readme` with every table rendered afresh. */
export const withTables = (readme) =>
  Object.entries(tables).reduce((text, [name, render]) => {
    const [open, close] = markers(name);
    const start = text.indexOf(open);
    const end = text.indexOf(close, start);
    if (start < 0 || end < 0) {
      throw new Error(`README.md has no ${open.trim()} … ${close.trim()} block`);
    }
    return `${text.slice(0, start + open.length)}${render()}${text.slice(end)}`;
  }, readme);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(readmePath, withTables(readFileSync(readmePath, 'utf8')));
  console.log(`README.md tables rendered: ${Object.keys(tables).join(', ')}`);
}
