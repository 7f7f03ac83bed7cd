// Loads the emulator's addon built for this machine (lib/tencent-sms-emulator.<abi>.node) with
// the connector's own loader, so both agree on every platform. The emulator package is private
// to this repository, so the loader is shared by path.
'use strict';

const { loadAddon } = require('../../lib/platform.cjs');

module.exports = loadAddon({
  binaryName: 'tencent-sms-emulator',
  directory: __dirname,
  missing: 'Build it with `npm run build:emulator` at the repository root.',
  // NAPI_RS_NATIVE_LIBRARY_PATH names the connector's addon, never this one.
  override: undefined,
});
