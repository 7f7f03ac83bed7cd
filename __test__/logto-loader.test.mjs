// Loading the way Logto does: `npm pack` → unpacked into a connectors folder beside a
// node_modules holding the host's @logto/connector-kit and zod → @logto/cli's own
// loadConnectorFactories → spread as core does → a real send.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import { ConnectorError } from '@logto/connector-kit';
import { loadConnectorFactories } from '@logto/cli/lib/connector/index.js';

import { startTestEmulator } from './helpers.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
let workdir;
let emulator;
let packagePath;

before(async () => {
  workdir = mkdtempSync(path.join(os.tmpdir(), 'logto-core-'));
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', workdir], { cwd: root, encoding: 'utf8' }).trim().split('\n').at(-1);
  const connectors = path.join(workdir, 'core', 'connectors');
  packagePath = path.join(connectors, 'connector-tencent-sms-rs');
  mkdirSync(packagePath, { recursive: true });
  execFileSync('tar', ['-xzf', path.join(workdir, tarball), '-C', packagePath, '--strip-components=1']);
  // Logto's core/node_modules: the connector resolves these by walking up, as in Logto's image.
  const hostModules = path.join(workdir, 'core', 'node_modules');
  mkdirSync(path.join(hostModules, '@logto'), { recursive: true });
  const kit = path.dirname(realpathSync(require.resolve('@logto/connector-kit/package.json')));
  const zod = path.dirname(realpathSync(require.resolve('zod/package.json')));
  symlinkSync(kit, path.join(hostModules, '@logto', 'connector-kit'));
  symlinkSync(zod, path.join(hostModules, 'zod'));
  emulator = await startTestEmulator();
});

after(async () => {
  await emulator?.close();
  rmSync(workdir, { recursive: true, force: true });
});

test('the tarball carries the addon, the loader, logo.svg and README.md', () => {
  const files = readdirSync(packagePath);
  assert.ok(files.includes('logo.svg') && files.includes('README.md') && files.includes('package.json'));
  const lib = readdirSync(path.join(packagePath, 'lib'));
  assert.ok(lib.includes('index.js') && lib.includes('native.cjs'));
  assert.ok(lib.some((name) => name.endsWith('.node')), `no .node in ${lib}`);
});

test('Logto’s loader loads it, and a send through the spread connector works', async () => {
  const [factory, ...others] = await loadConnectorFactories([{ path: packagePath, name: 'connector-tencent-sms-rs' }], false);
  assert.equal(others.length, 0);
  assert.ok(factory, 'the loader skipped the connector');
  assert.equal(factory.metadata.id, 'tencent-short-message-service');
  assert.equal(factory.type, 'Sms');
  assert.match(factory.metadata.logo, /^data:image\/svg\+xml;base64,/);
  assert.match(factory.metadata.readme, /connector-tencent-sms-rs/);

  const config = emulator.connectorConfig();
  const notImplemented = () => { throw new ConnectorError('not_implemented'); };
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
