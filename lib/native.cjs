// Loads the native addon shipped inside this package for the current machine.
//
// Logto installs connectors without an install step, so the binaries travel in the tarball
// (lib/<name>.<abi>.node) instead of per-platform optional packages, and this loader looks
// nowhere else. `NAPI_RS_NATIVE_LIBRARY_PATH` overrides the file, as with napi-rs loaders.
'use strict';

const { BINARY_NAME, loadAddon } = require('./platform.cjs');

/** The connector's addon; the options fake a machine for the loader's tests. */
const loadNative = (options = {}) =>
  loadAddon({ binaryName: BINARY_NAME, directory: __dirname, missing: 'Install a release tarball built for this platform.', ...options });

module.exports = loadNative();
module.exports.loadNative = loadNative;
