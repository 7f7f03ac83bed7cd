// Loads the emulator's addon built for this machine: lib/tencent-sms-emulator.<abi>.node.
'use strict';

const path = require('node:path');

/** glibc or musl: Node's report names a glibc runtime only when glibc is in use. */
const libc = () => (process.report?.getReport?.().header?.glibcVersionRuntime ? 'gnu' : 'musl');

const abi = `${process.platform}-${process.arch}${process.platform === 'linux' ? `-${libc()}` : ''}`;
const file = path.join(__dirname, `tencent-sms-emulator.${abi}.node`);

try {
  module.exports = require(file);
} catch (error) {
  if (error?.code !== 'MODULE_NOT_FOUND') {
    throw error;
  }
  throw new Error(`tencent-sms-emulator has no addon for ${abi} (${path.basename(file)}); build it with \`npm run build\` in the emulator package`);
}
