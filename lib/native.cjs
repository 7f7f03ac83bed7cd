// Loads the native addon shipped inside this package for the current machine.
//
// Logto installs connectors without an install step, so the binaries travel in the tarball
// (lib/<name>.<abi>.node) instead of per-platform optional packages, and this loader looks
// nowhere else. `NAPI_RS_NATIVE_LIBRARY_PATH` overrides the file, as with napi-rs loaders.
'use strict';

const { existsSync, readdirSync } = require('node:fs');
const path = require('node:path');

const { TARGETS, abiOf, describePlatform, fileNameOf, isMusl } = require('./platform.cjs');

const loadNative = ({
  platform = process.platform,
  arch = process.arch,
  musl = platform === 'linux' && isMusl(),
  directory = __dirname,
  exists = existsSync,
  load = require,
  override = process.env.NAPI_RS_NATIVE_LIBRARY_PATH,
} = {}) => {
  if (override) {
    return load(override);
  }
  const machine = { platform, arch, musl };
  const abi = abiOf(machine);
  const shipped = () => {
    try {
      return readdirSync(directory).filter((file) => file.endsWith('.node')).join(', ') || 'none';
    } catch {
      return 'none';
    }
  };
  if (!abi) {
    throw new Error(
      `connector-tencent-sms-rs has no native binary for ${describePlatform(machine)}. ` +
        `Supported: ${Object.entries(TARGETS).map(([name, triple]) => `${name} (${triple})`).join(', ')}.`,
    );
  }
  const file = path.join(directory, fileNameOf(abi));
  if (!exists(file)) {
    throw new Error(
      `connector-tencent-sms-rs: this package does not include the binary for ${describePlatform(machine)} ` +
        `(${fileNameOf(abi)}, target ${TARGETS[abi]}); it holds: ${shipped()}. Install a release tarball built for this platform.`,
    );
  }
  return load(file);
};

module.exports = loadNative();
module.exports.loadNative = loadNative;
