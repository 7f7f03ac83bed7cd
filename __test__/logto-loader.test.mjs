// Loading the way Logto does: `npm pack` → unpacked into a connectors folder beside a
// node_modules holding the host's @logto/connector-kit and zod → @logto/cli's own
// loadConnectorFactories → spread as core does → a real send.

import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { ConnectorError } from '@logto/connector-kit';
import { loadConnectorFactories } from '@logto/cli/lib/connector/index.js';

import { startTestEmulator } from './helpers.mjs';
import { installIntoLogtoCore } from './logto-core.mjs';

let install;
let emulator;
let packagePath;

before(async () => {
  install = installIntoLogtoCore();
  ({ packagePath } = install);
  emulator = await startTestEmulator();
});

after(async () => {
  await emulator?.close();
  install?.cleanup();
});

test('the tarball carries the addon, the loader, logo.svg, README.md and the operator guide', () => {
  const files = readdirSync(packagePath);
  assert.ok(files.includes('logo.svg') && files.includes('README.md') && files.includes('package.json'));
  assert.ok(readdirSync(path.join(packagePath, 'docs')).includes('operator-guide.md'));
  const lib = readdirSync(path.join(packagePath, 'lib'));
  assert.ok(lib.includes('index.js') && lib.includes('native.cjs'));
  assert.ok(
    lib.some((name) => name.endsWith('.node')),
    `no .node in ${lib}`,
  );
});

test('Logto’s loader loads it, and a send through the spread connector works', async () => {
  const [factory, ...others] = await loadConnectorFactories([{ path: packagePath, name: 'connector-tencent-sms-rs' }], false);
  assert.equal(others.length, 0);
  assert.ok(factory, 'the loader skipped the connector');
  assert.equal(factory.metadata.id, 'tencent-short-message-service');
  assert.equal(factory.type, 'Sms');
  assert.match(factory.metadata.logo, /^data:image\/svg\+xml;base64,/);
  assert.match(factory.metadata.readme, /^# Tencent Cloud SMS \(connector-tencent-sms-rs\)/, 'the console inlines the operator guide');
  assert.doesNotMatch(factory.metadata.readme, /npm run (demo|bench)/, 'no developer material in the console');

  const config = emulator.connectorConfig();
  const notImplemented = () => {
    throw new ConnectorError('not_implemented');
  };
  const raw = await factory.createConnector({ getConfig: async () => config });
  const connector = { sendMessage: notImplemented, ...raw, metadata: { ...raw.metadata } };
  assert.equal(factory.configGuard.safeParse(config).success, true);
  const result = await connector.sendMessage({ to: '8613711112222', type: 'SignIn', payload: { code: '246810' } });
  assert.equal(result.phoneNumber, '+8613711112222');
  assert.equal((await emulator.messages()).at(-1).params[0], '246810');

  await assert.rejects(
    connector.sendMessage({ to: '8613711112222', type: 'SignIn', payload: { code: '1' } }, { ...config, accessKeySecret: 'wrong' }),
    (error) => error instanceof ConnectorError && error.code === 'invalid_config',
  );
  const bad = factory.configGuard.safeParse({});
  assert.equal(bad.success, false);
  assert.equal(bad.error.constructor.name, 'ZodError');
});
