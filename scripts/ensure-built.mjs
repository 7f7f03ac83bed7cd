// Builds each release addon (the connector's, the emulator's) when it is missing or a Rust
// source is newer than it, so `npm run demo` and `npm test` work on a fresh clone after
// `npm install`.

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

/** Each addon: where it lands, what it is built from, and the npm script that builds it. */
const addons = [
  {
    name: 'connector',
    lib: 'lib',
    sources: [
      'Cargo.toml',
      'Cargo.lock',
      'build.rs',
      'src',
      'crates/tencent-sms-tc3',
      'crates/tencent-sms-wire',
      'crates/tencent-sms-core',
      'crates/tencent-sms-runtime',
    ],
    script: 'build',
  },
  { name: 'emulator', lib: 'emulator/lib', sources: ['Cargo.toml', 'Cargo.lock', 'emulator/src', 'emulator/Cargo.toml', 'crates'], script: 'build:emulator' },
];

for (const { name, lib, sources, script } of addons) {
  const files = readdirSync(path.join(root, lib)).filter((file) => file.endsWith('.node'));
  const built = Math.max(0, ...files.map((file) => newest(path.join(lib, file))));
  if (files.length > 0 && sources.every((entry) => newest(entry) <= built)) {
    continue;
  }
  console.log(`Building the ${name} addon (release)…`);
  const result = spawnSync('npm', ['run', script], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.exit(result.status ?? 1);
  }
}
