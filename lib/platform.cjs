// Which shipped addon file fits a machine, and loading it: one loader for the connector's addon
// and the emulator's, so they agree on every platform (musl included). The machine is a
// parameter, so every target can be tested on any machine by passing a fake platform.
'use strict';

const { existsSync, readFileSync, readdirSync } = require('node:fs');
const path = require('node:path');

const BINARY_NAME = 'connector-tencent-sms-rs';

/** napi-rs ABI name → Rust target triple, for every binary a release tarball carries. */
const TARGETS = Object.freeze({
  'linux-x64-gnu': 'x86_64-unknown-linux-gnu',
  'linux-x64-musl': 'x86_64-unknown-linux-musl',
  'linux-arm64-gnu': 'aarch64-unknown-linux-gnu',
  'linux-arm64-musl': 'aarch64-unknown-linux-musl',
  'darwin-arm64': 'aarch64-apple-darwin',
  'darwin-x64': 'x86_64-apple-darwin',
});

/**
 * musl (Alpine: Logto's official `node:22-alpine` image) or glibc. Node's diagnostic report
 * names the glibc runtime version only when glibc is in use; `ldd` is the fallback.
 */
const isMusl = (report = process.report?.getReport?.(), lddText = () => readFileSync('/usr/bin/ldd', 'utf8')) => {
  const header = report?.header ?? (typeof report === 'string' ? JSON.parse(report).header : undefined);
  if (header) {
    return !header.glibcVersionRuntime;
  }
  try {
    return lddText().includes('musl');
  } catch {
    return false;
  }
};

/** The ABI name for a platform, or `undefined` when no binary is built for it. */
const abiOf = ({ platform, arch, musl }) => {
  const abi = platform === 'linux' ? `linux-${arch}-${musl ? 'musl' : 'gnu'}` : `${platform}-${arch}`;
  return abi in TARGETS ? abi : undefined;
};

const describePlatform = ({ platform, arch, musl }) => `${platform}-${arch}${platform === 'linux' ? (musl ? ' (musl)' : ' (glibc)') : ''}`;

const fileNameOf = (abi, binaryName = BINARY_NAME) => `${binaryName}.${abi}.node`;

/**
 * Loads `<directory>/<binaryName>.<abi>.node` for this machine, or throws an error naming the
 * platform, the file it looked for and what the directory holds (`missing` says what to do).
 * `NAPI_RS_NATIVE_LIBRARY_PATH` overrides the file, as with napi-rs loaders.
 */
const loadAddon = ({
  binaryName,
  directory,
  missing,
  platform = process.platform,
  arch = process.arch,
  musl = platform === 'linux' && isMusl(),
  exists = existsSync,
  load = require,
  override = process.env.NAPI_RS_NATIVE_LIBRARY_PATH,
}) => {
  if (override) {
    return load(override);
  }
  const machine = { platform, arch, musl };
  const abi = abiOf(machine);
  const shipped = () => {
    try {
      return (
        readdirSync(directory)
          .filter((file) => file.endsWith('.node'))
          .join(', ') || 'none'
      );
    } catch {
      return 'none';
    }
  };
  if (!abi) {
    throw new Error(
      `${binaryName} has no native binary for ${describePlatform(machine)}. ` +
        `Supported: ${Object.entries(TARGETS)
          .map(([name, triple]) => `${name} (${triple})`)
          .join(', ')}.`,
    );
  }
  const file = path.join(directory, fileNameOf(abi, binaryName));
  if (!exists(file)) {
    throw new Error(
      `${binaryName}: this package does not include the binary for ${describePlatform(machine)} ` +
        `(${fileNameOf(abi, binaryName)}, target ${TARGETS[abi]}); it holds: ${shipped()}. ${missing}`,
    );
  }
  return load(file);
};

module.exports = { BINARY_NAME, TARGETS, abiOf, describePlatform, fileNameOf, isMusl, loadAddon };
