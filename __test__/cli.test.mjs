// The `tencent-sms` CLI: help, exit codes, real sends to the emulator, config checks, and no
// secret ever printed; and `tencent-sms-emulator`, the emulator's own command.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import createConnector from '../lib/index.js';
import { SECRET_MARKER, startTestEmulator } from './helpers.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const cli = path.join(root, 'bin', 'tencent-sms.js');
const run = (...args) => {
  const { status, stdout, stderr } = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 20_000 });
  assert.ok(!`${stdout}${stderr}`.includes(SECRET_MARKER), `the secret was printed: ${stdout}${stderr}`);
  return { status, stdout, stderr };
};

let emulator;
let dir;
const file = (name, content) => {
  const full = path.join(dir, name);
  writeFileSync(full, typeof content === 'string' ? content : JSON.stringify(content));
  return full;
};

before(async () => {
  emulator = await startTestEmulator();
  dir = mkdtempSync(path.join(os.tmpdir(), 'tencent-sms-cli-'));
});
after(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

test('--help everywhere, and exit 2 for bad usage', () => {
  assert.equal(run('--help').status, 0);
  for (const command of ['send', 'check-config']) {
    const { status, stdout } = run(command, '--help');
    assert.equal(status, 0, command);
    assert.match(stdout, new RegExp(`usage: tencent-sms ${command}`));
  }
  assert.equal(run().status, 2);
  assert.equal(run('nope').status, 2);
  assert.equal(run('send', '--to', '8613711112222').status, 2);
  assert.equal(run('send', '--config', path.join(dir, 'missing.json'), '--to', '1').status, 2);
  assert.equal(run('check-config').status, 2);
  const moved = run('emulator');
  assert.equal(moved.status, 2, 'the emulator is no longer part of the connector');
  assert.match(moved.stderr, /its own command: tencent-sms-emulator/);
});

test('send does a real send and prints the result', () => {
  emulator.clear();
  const config = file('config.json', emulator.connectorConfig());
  const { status, stdout } = run('send', '--config', config, '--to', '8613711112222', '--type', 'SignIn', '--code', '424242');
  assert.equal(status, 0);
  assert.match(stdout, /sent code 424242 to \+8613711112222: RequestId [0-9a-f-]{36}/);
  return emulator.messages().then(([message]) => assert.deepEqual(message.params, ['424242']));
});

test('a failed send prints the classified error without the secret, exit 1', () => {
  const config = file('wrong.json', { ...emulator.connectorConfig(), accessKeySecret: `${SECRET_MARKER}-wrong` });
  const { status, stderr } = run('send', '--config', config, '--to', '8613711112222');
  assert.equal(status, 1);
  assert.match(stderr, /^error: invalid_config: AuthFailure\.SignatureFailure: .*RequestId/);
});

test('check-config prints every issue; a broken JSON file is not echoed', () => {
  assert.equal(run('check-config', file('valid.json', emulator.connectorConfig())).status, 0);
  const { status, stdout } = run('check-config', file('invalid.json', { accessKeySecret: SECRET_MARKER, sdkAppId: 'x', region: 'bad', templates: [] }));
  assert.equal(status, 1);
  assert.match(stdout, /has 5 issue\(s\)/);
  assert.match(stdout, /✗ accessKeyId: Required/);
  assert.match(stdout, /✗ templates: Template with UsageType \(Register, SignIn, ForgotPassword, Generic\) should be provided!/);
  const broken = run('check-config', file('broken.json', `{"accessKeySecret": "${SECRET_MARKER}", oops}`));
  assert.equal(broken.status, 2);
  assert.match(broken.stderr, /is not valid JSON/);
});

/**
 * The emulator package, copied where no `@logto/connector-kit` (nor anything else) resolves,
 * with the one file of the connector it shares: the addon loader, at the same place relative
 * to it as in this repository (`../lib/platform.cjs`).
 */
const isolatedEmulatorPackage = () => {
  const copy = path.join(dir, 'isolated', 'emulator');
  for (const entry of ['package.json', 'bin', 'lib']) {
    cpSync(path.join(root, 'emulator', entry), path.join(copy, entry), { recursive: true });
  }
  cpSync(path.join(root, 'lib', 'platform.cjs'), path.join(dir, 'isolated', 'lib', 'platform.cjs'));
  return path.join(copy, 'bin', 'tencent-sms-emulator.js');
};

test('tencent-sms-emulator runs without the connector or its kit, until SIGTERM', async () => {
  const bin = isolatedEmulatorPackage();
  const kit = spawnSync(process.execPath, ['--input-type=module', '-e', "await import('@logto/connector-kit')"], { cwd: path.dirname(bin) });
  assert.notEqual(kit.status, 0, 'the kit must not resolve from the copy');
  const usage = spawnSync(process.execPath, [bin, '--port', 'x'], { encoding: 'utf8' });
  assert.equal(usage.status, 2);
  assert.match(spawnSync(process.execPath, [bin, '--host', '0.0.0.0'], { encoding: 'utf8' }).stderr, /loopback/);
  const child = spawn(process.execPath, [bin, '--port', '0'], { cwd: path.dirname(bin), stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise((resolve) => child.stdout.once('data', (chunk) => resolve(String(chunk).match(/http:\/\/127\.0\.0\.1:\d+/)[0])));
  const config = { ...emulator.connectorConfig(), endpoint: url };
  const connector = await createConnector({ getConfig: async () => config });
  const result = await connector.sendMessage({ to: '8613711112222', type: 'SignIn', payload: { code: '99' } });
  assert.equal(result.phoneNumber, '+8613711112222');
  const inbox = await (await fetch(`${url}/_emulator/messages`)).json();
  assert.equal(inbox[0].params[0], '99');
  child.kill('SIGTERM');
  const code = await new Promise((resolve) => child.on('exit', resolve));
  assert.equal(code, 0);
});

test('tencent-sms-emulator --tls-cert/--tls-key serves HTTPS that the connector trusts through SSL_CERT_FILE', async () => {
  const bin = isolatedEmulatorPackage();
  const tls = (name) => path.join(root, '__test__', 'fixtures', 'tls', name);
  const untokened = spawnSync(process.execPath, [bin, '--listen-on-network', '--host', '0.0.0.0'], {
    encoding: 'utf8',
    env: { ...process.env, TENCENT_SMS_EMULATOR_TOKEN: '' },
  });
  assert.equal(untokened.status, 2);
  assert.match(untokened.stderr, /--listen-on-network needs the access token in TENCENT_SMS_EMULATOR_TOKEN/);
  const half = spawnSync(process.execPath, [bin, '--tls-cert', tls('cert.pem')], { encoding: 'utf8' });
  assert.equal(half.status, 2);
  assert.match(half.stderr, /--tls-cert and --tls-key go together/);
  const swapped = spawnSync(process.execPath, [bin, '--tls-cert', tls('key.pem'), '--tls-key', tls('cert.pem')], { encoding: 'utf8' });
  assert.equal(swapped.status, 2);
  assert.ok(
    swapped.stderr.includes(`--tls-cert ${tls('key.pem')}: holds a private key, not a certificate: are the certificate and the key swapped?`),
    swapped.stderr,
  );
  const garbage = file('garbage.pem', 'not PEM at all\n');
  const encrypted = file('encrypted.pem', '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0w\n-----END ENCRYPTED PRIVATE KEY-----\n');
  for (const [cert, key, expected] of [
    [garbage, tls('key.pem'), `--tls-cert ${garbage}: holds no PEM certificate`],
    [tls('cert.pem'), garbage, `--tls-key ${garbage}: is not a PEM private key`],
    [tls('cert.pem'), encrypted, `--tls-key ${encrypted}: is encrypted`],
  ]) {
    const refused = spawnSync(process.execPath, [bin, '--tls-cert', cert, '--tls-key', key], { encoding: 'utf8' });
    assert.equal(refused.status, 2, expected);
    assert.ok(refused.stderr.includes(expected), `wanted ${expected} in ${refused.stderr}`);
  }

  const child = spawn(process.execPath, [bin, '--port', '0', '--tls-cert', tls('cert.pem'), '--tls-key', tls('key.pem')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const url = await new Promise((resolve) => child.stdout.once('data', (chunk) => resolve(String(chunk).match(/https:\/\/127\.0\.0\.1:\d+/)[0])));
    const config = { ...emulator.connectorConfig(), endpoint: url.replace('127.0.0.1', 'localhost') };
    // The CA goes in through the environment, so the send runs in a process started with it.
    const send = (env) =>
      spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `
      import createConnector from ${JSON.stringify(new URL('../lib/index.js', import.meta.url).href)};
      const connector = await createConnector({ getConfig: async () => (${JSON.stringify(config)}) });
      try {
        console.log(JSON.stringify(await connector.sendMessage({ to: '8613711112222', type: 'SignIn', payload: { code: '77' } })));
      } catch (error) {
        console.log(JSON.stringify({ error: error.data?.errorDescription }));
      }`,
        ],
        { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 20_000 },
      );
    const untrusted = JSON.parse(send({}).stdout);
    assert.match(untrusted.error, /certificate/);
    const trusted = send({ SSL_CERT_FILE: tls('ca.pem') });
    assert.equal(JSON.parse(trusted.stdout).phoneNumber, '+8613711112222', trusted.stderr);
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await new Promise((resolve) => child.on('exit', resolve)), 0);
});
