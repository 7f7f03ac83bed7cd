// The emulator's JS API (`connector-tencent-sms-rs/emulator`).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { test } from 'node:test';

import { emulatorDefaults, startEmulator } from 'tencent-sms-emulator';
import { connectorFor, signIn } from './helpers.mjs';

test('defaults are the documented demo values', () => {
  assert.deepEqual(emulatorDefaults.credentials, [{ secretId: 'AKIDLogtoEmulatorDemo', secretKey: 'logto-emulator-demo-secret' }]);
  assert.equal(emulatorDefaults.apps[0].sdkAppId, '1400000000');
  assert.deepEqual(emulatorDefaults.apps[0].signNames, ['Logto']);
  assert.equal(emulatorDefaults.frequencyLimitSeconds, 30);
});

test('url, inbox, clear and the frequency limit', async () => {
  const emu = await startEmulator();
  try {
    assert.match(emu.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const { connector } = await connectorFor(emu);
    await connector.sendMessage(signIn('8613711112222', { code: '135790' }));
    const [message] = await emu.messages();
    assert.equal(message.content, '【Logto】Your verification code is 135790. It is valid for 10 minutes.');
    await assert.rejects(connector.sendMessage(signIn()), (e) => e.code === 'rate_limit_exceeded');
    emu.clear();
    assert.deepEqual(await emu.messages(), []);
    await connector.sendMessage(signIn());
    assert.equal((await emu.messages()).length, 1);
  } finally {
    await emu.close();
  }
});

test('custom apps and templates; invalid options and faults are refused', async () => {
  const emu = await startEmulator({
    frequencyLimitSeconds: 0,
    credentials: [{ secretId: 'AKIDmine', secretKey: 'mine' }],
    apps: [
      { sdkAppId: '1400123456', signNames: ['Acme'], templates: [{ templateId: '42', content: 'Acme code {1}, valid {2} minutes', international: false }] },
    ],
  });
  try {
    const { connector } = await connectorFor(emu);
    await assert.rejects(connector.sendMessage(signIn()), (e) => e.data.tencentCode === 'FailedOperation.TemplateParamSetNotMatchApprovedTemplate');
    assert.throws(() => emu.injectFault({ kind: 'noSuchFault' }), /invalid fault/);
  } finally {
    await emu.close();
  }
  await assert.rejects(startEmulator({ frequencyLimitSeconds: 'soon' }), /invalid emulator options/);
  await assert.rejects(startEmulator({ readTimeoutMs: 10 }), /invalid emulator options: readTimeoutMs must be 100\.\.=600000/);
});

test('an option of the wrong type is named by its field, not by a position in JSON nobody wrote', async () => {
  for (const [options, field] of [
    [{ tls: 5 }, 'tls'],
    [{ tls: { certificateChain: 5, privateKey: 'x' } }, 'tls.certificateChain'],
    [{ apps: [{ sdkAppId: 1 }] }, 'apps[0].sdkAppId'],
  ]) {
    await assert.rejects(startEmulator(options), (error) => {
      assert.ok(error.message.includes(`invalid emulator options: ${field}: invalid type`), error.message);
      assert.doesNotMatch(error.message, /line \d+|column \d+/);
      return true;
    });
  }
});

test('host is loopback only: the inbox and the demo secret never reach the network', async () => {
  for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com']) {
    await assert.rejects(startEmulator({ host }), /invalid emulator options: host must be a loopback address/, host);
  }
  const emu = await startEmulator({ host: '::1' }).catch((error) => error);
  if (emu instanceof Error) {
    assert.match(emu.message, /cannot listen/, 'only a machine without IPv6 may refuse ::1');
    return;
  }
  assert.match(emu.url, /^http:\/\/\[::1\]:\d+$/);
  await emu.close();
});

test('close() frees the port', async () => {
  const emu = await startEmulator();
  const { port } = emu;
  await emu.close();
  await emu.close();
  const server = net.createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  server.close();
});

test('an open emulator keeps Node alive until close(); unref() lets it exit', () => {
  const script = `
    import { startEmulator } from 'tencent-sms-emulator';
    const emu = await startEmulator();
    setTimeout(() => { console.log('still-alive'); emu.close(); }, 300);
  `;
  assert.match(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 10_000 }), /still-alive/);
  const unref = `
    import { startEmulator } from 'tencent-sms-emulator';
    const emu = await startEmulator();
    emu.unref();
    console.log('exiting');
  `;
  const started = Date.now();
  execFileSync(process.execPath, ['--input-type=module', '-e', unref], { encoding: 'utf8', timeout: 10_000 });
  assert.ok(Date.now() - started < 5_000);
});
