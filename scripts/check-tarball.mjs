// `npm run check:tarball`: proves the npm tarball works where Logto runs. It packs the package,
// unpacks it into a Logto-like connectors folder, and under each Linux target's own Node
// (qemu-user for arm64, a musl Node for musl; see scripts/linux-cross.sh) loads it with
// Logto's loader and sends a code to the emulator. It also checks what the binaries are: the
// gnu ones need at most glibc 2.17, the musl ones only musl's libc, none holds the emulator,
// and a gnu binary fails under the musl Node (so the check can tell the libcs apart).

import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { startEmulator } from 'tencent-sms-emulator';

import { installIntoLogtoCore } from '../__test__/logto-core.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const cross = path.join(root, 'scripts', 'linux-cross.sh');
const probe = path.join(root, 'scripts', 'tarball-probe.mjs');

/** The Linux targets the loader knows, triple → ABI name (lib/platform.cjs is the one table). */
const TARGETS = Object.fromEntries(
  Object.entries(createRequire(import.meta.url)('../lib/platform.cjs').TARGETS)
    .filter(([abi]) => abi.startsWith('linux-'))
    .map(([abi, triple]) => [triple, abi]),
);
const GLIBC_FLOOR = [2, 17];
const EMULATOR_MARKERS = ['/_emulator/', 'AKIDLogtoEmulatorDemo', 'logto-emulator-demo-secret'];

const failures = [];
const check = (ok, message) => {
  console.log(`${ok ? '✓' : '✗'} ${message}`);
  if (!ok) {
    failures.push(message);
  }
};

/** The newest `GLIBC_x.y` a binary asks for, from `readelf -V`. */
const newestGlibc = (file) => {
  const versions = [...execFileSync('readelf', ['-V', '-W', file], { encoding: 'utf8' }).matchAll(/GLIBC_(\d+)\.(\d+)/g)];
  return versions
    .map(([, major, minor]) => [Number(major), Number(minor)])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .at(-1);
};

const neededLibraries = (file) =>
  [...execFileSync('readelf', ['-d', '-W', file], { encoding: 'utf8' }).matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map(([, name]) => name);

const checkBinary = (triple, file) => {
  const bytes = readFileSync(file);
  const marker = EMULATOR_MARKERS.find((text) => bytes.includes(text));
  check(!marker, `${triple}: holds no emulator${marker ? ` (found ${marker})` : ''}`);
  if (triple.endsWith('-gnu')) {
    const newest = newestGlibc(file);
    const fits = newest && (newest[0] < GLIBC_FLOOR[0] || (newest[0] === GLIBC_FLOOR[0] && newest[1] <= GLIBC_FLOOR[1]));
    check(fits, `${triple}: needs at most GLIBC_${GLIBC_FLOOR.join('.')} (newest asked: GLIBC_${newest?.join('.')})`);
  } else {
    const needed = neededLibraries(file);
    check(needed.length === 1 && needed[0] === 'libc.so', `${triple}: needs only musl's libc.so (NEEDED: ${needed.join(', ')})`);
  }
};

/** Runs the probe under `triple`'s Node; `env` adds variables (e.g. a forced binary). */
const runProbe = (triple, packagePath, config, code, env = {}) => {
  const [node, ...prefix] = execFileSync('bash', [cross, 'node', triple], { encoding: 'utf8' }).trim().split('\n');
  return spawnSync(node, [...prefix, probe, packagePath], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ...env, PROBE_CONFIG: JSON.stringify(config), PROBE_CODE: code },
  });
};

// The tarball to check: CONNECTOR_TARBALL (the release's own), or a fresh `npm pack` of lib/.
const install = installIntoLogtoCore();
const packed = readdirSync(path.join(install.packagePath, 'lib')).filter((file) => file.endsWith('.node'));
for (const [triple, abi] of Object.entries(TARGETS)) {
  check(packed.includes(`connector-tencent-sms-rs.${abi}.node`), `${triple}: the tarball holds connector-tencent-sms-rs.${abi}.node`);
}
if (failures.length > 0) {
  install.cleanup();
  console.error('Build the four Linux binaries first: npm run build:linux');
  process.exit(1);
}

const emulator = await startEmulator({ frequencyLimitSeconds: 0 });
try {
  const config = emulator.connectorConfig();
  for (const [triple, abi] of Object.entries(TARGETS)) {
    checkBinary(triple, path.join(install.packagePath, 'lib', `connector-tencent-sms-rs.${abi}.node`));
    const code = String(100_000 + Math.floor(Math.random() * 900_000));
    const run = runProbe(triple, install.packagePath, config, code);
    const delivered = (await emulator.messages()).some((message) => message.params[0] === code);
    const report = run.status === 0 ? run.stdout.trim().split('\n').at(-1) : `${run.stderr}${run.stdout}`.trim().slice(-800);
    check(run.status === 0 && delivered, `${triple}: Logto's loader loaded it under the target's Node and the code arrived: ${report}`);
  }
  const gnuUnderMusl = runProbe('x86_64-unknown-linux-musl', install.packagePath, config, '1', {
    NAPI_RS_NATIVE_LIBRARY_PATH: path.join(install.packagePath, 'lib', 'connector-tencent-sms-rs.linux-x64-gnu.node'),
  });
  check(
    gnuUnderMusl.status !== 0,
    `a gnu binary forced on the musl Node fails, so the check tells the libcs apart: ${`${gnuUnderMusl.stderr}`.match(/Error[^\n]*/)?.[0] ?? '(no error)'}`,
  );
} finally {
  await emulator.close();
  install.cleanup();
}

if (failures.length > 0) {
  console.error(`\n${failures.length} check(s) failed.`);
  process.exit(1);
}
console.log('\nThe tarball works on all four Linux targets.');
