// Builds the release addon when lib/ has none, or when a Rust source is newer than it, so
// `npm run demo` and `npm test` work on a fresh clone after `npm install`.

import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

const newest = (entry) => {
  const full = path.join(root, entry);
  const stat = statSync(full, { throwIfNoEntry: false });
  if (!stat) {
    return 0;
  }
  if (!stat.isDirectory()) {
    return stat.mtimeMs;
  }
  return Math.max(0, ...readdirSync(full).map((name) => newest(path.join(entry, name))));
};

const addons = readdirSync(path.join(root, 'lib')).filter((name) => name.endsWith('.node'));
const built = Math.max(0, ...addons.map((name) => newest(path.join('lib', name))));
const sources = ['Cargo.toml', 'Cargo.lock', 'build.rs', 'src', 'crates'].filter((entry) => !entry.includes('target'));
const stale = addons.length === 0 || sources.some((entry) => newest(entry) > built);

if (stale) {
  console.log('Building the native addon (release)…');
  const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.exit(result.status ?? 1);
  }
}
