// Run under each target's own Node by check-tarball.mjs: Logto's loader (@logto/cli's
// loadConnectorFactories) loads the unpacked tarball from its connectors folder, and one code
// goes to the emulator whose config is in PROBE_CONFIG. Prints one JSON line on success.

import { loadConnectorFactories } from '@logto/cli/lib/connector/index.js';

const [packagePath] = process.argv.slice(2);
const config = JSON.parse(process.env.PROBE_CONFIG);
const code = process.env.PROBE_CODE;

const [factory] = await loadConnectorFactories([{ path: packagePath, name: 'connector-tencent-sms-rs' }], false);
if (!factory) {
  throw new Error("Logto's loader skipped the connector (its reason is logged above)");
}
const connector = { ...(await factory.createConnector({ getConfig: async () => config })) };
const result = await connector.sendMessage({ to: '8613711112222', type: 'SignIn', payload: { code } });
const glibc = process.report.getReport().header.glibcVersionRuntime;
console.log(JSON.stringify({ node: process.version, arch: process.arch, libc: glibc ? `glibc ${glibc}` : 'musl', sent: result.phoneNumber }));
