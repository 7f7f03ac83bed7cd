// Which shipped addon file fits a machine. Pure functions, so every target can be tested on
// any machine by passing a fake platform.
'use strict';

const { readFileSync } = require('node:fs');

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

const fileNameOf = (abi) => `${BINARY_NAME}.${abi}.node`;

module.exports = { BINARY_NAME, TARGETS, abiOf, describePlatform, fileNameOf, isMusl };
