// The `@logto/connector-kit` range is as wide as really works: the packed connector, loaded
// from a Logto-like folder, runs against host kits 5.0.0, 5.1.0 and 5.1.1, throws the host's
// own ConnectorError, and maps account quotas to rate_limit_exceeded where the host kit has no
// usage_limit_exceeded (before 5.1.1).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';

import semver from 'semver';

import { startTestEmulator } from './helpers.mjs';
import { installIntoLogtoCore } from './logto-core.mjs';

const ourRange = JSON.parse(readFileSync(new URL('../package.json', import.meta.url))).dependencies['@logto/connector-kit'];
let emulator;
before(async () => {
  emulator = await startTestEmulator();
});
after(() => emulator.close());

for (const [kit, version, quotaCode] of [
  ['connector-kit-5.0.0', '5.0.0', 'rate_limit_exceeded'],
  ['connector-kit-5.1.0', '5.1.0', 'rate_limit_exceeded'],
  ['@logto/connector-kit', '5.1.1', 'usage_limit_exceeded'],
]) {
  test(`host connector-kit ${version}`, async () => {
    const install = installIntoLogtoCore({ kit });
    try {
      const hostKit = await import(pathToFileURL(path.join(install.hostKitDir, 'lib', 'index.js')).href);
      assert.equal(JSON.parse(readFileSync(path.join(install.hostKitDir, 'package.json'))).version, version);
      assert.ok(semver.satisfies(version, ourRange), `${ourRange} must accept ${version}`);
      const { default: createConnector } = await import(pathToFileURL(path.join(install.packagePath, 'lib', 'index.js')).href);
      const config = emulator.connectorConfig();
      const connector = { ...(await createConnector({ getConfig: async () => config })) };
      assert.equal(connector.type, hostKit.ConnectorType.Sms);
      await connector.sendMessage({ to: '8613711112222', type: 'SignIn', payload: { code: '1' } });
      emulator.injectFault({ kind: 'tencentError', code: 'LimitExceeded.AppDailyLimit' });
      await assert.rejects(
        connector.sendMessage({ to: '8613711112222', type: 'SignIn', payload: { code: '1' } }),
        (error) => error instanceof hostKit.ConnectorError && error.code === quotaCode,
      );
    } finally {
      install.cleanup();
    }
  });
}
