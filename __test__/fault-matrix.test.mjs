// Every emulator fault × sendMessage → a ConnectorError with the documented code, within the
// send deadline, with no unhandled rejection and no secret in sight. The rows are the
// fault table of docs/security-and-reliability.md (docs/tables/faults.json).

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';

import createConnector from '../lib/index.js';
import { faults } from '../scripts/tables.mjs';
import { connectorFor, freePort, rejectsWith, signIn, startTestEmulator } from './helpers.mjs';

const REQUEST_TIMEOUT_MS = 10_000;
const unhandled = [];
const onUnhandled = (reason) => unhandled.push(reason);
let emulator;

before(async () => {
  process.on('unhandledRejection', onUnhandled);
  emulator = await startTestEmulator();
});

after(async () => {
  await emulator.close();
  process.off('unhandledRejection', onUnhandled);
  assert.deepEqual(unhandled, [], 'no unhandled rejection');
});

const endpoints = {
  closedPort: async () => `http://127.0.0.1:${await freePort()}`,
  unknownHost: async () => 'https://sms.unknown-host.invalid',
};

// The fault table (docs/security-and-reliability.md), from its one source; rows tested elsewhere name their test.
const matrix = faults().filter((row) => row.inject || row.endpoint);

test('every row of the fault table is tested here or names the test that covers it', () => {
  for (const row of faults()) {
    assert.ok(row.inject || row.endpoint || existsSync(new URL(`../${row.testedBy}`, import.meta.url)), row.fault);
  }
  assert.ok(matrix.length >= 12);
});

for (const { fault: name, inject, endpoint, code, requests, description = '.' } of matrix) {
  test(`${name} → ${code}`, async () => {
    const overrides = endpoint ? { endpoint: await endpoints[endpoint]() } : {};
    const { connector } = await connectorFor(emulator, overrides);
    if (inject) {
      emulator.injectFault(inject);
    }
    const before = emulator.apiRequests();
    const started = Date.now();
    const error = await rejectsWith(connector.sendMessage(signIn()), code);
    const elapsed = Date.now() - started;
    assert.ok(elapsed < REQUEST_TIMEOUT_MS + 2_000, `${name} took ${elapsed} ms`);
    assert.match(error.data.errorDescription ?? error.data.issues?.[0]?.message ?? '', new RegExp(description));
    assert.equal(emulator.apiRequests() - before, requests, 'the requests the table states, no more');
    emulator.clear();
  });
}

test('configs of every wrong shape are invalid_config with issues, and nothing is sent', async () => {
  const valid = emulator.connectorConfig();
  const cases = [
    null,
    undefined,
    [],
    42,
    'config',
    true,
    {},
    [valid],
    { ...valid, accessKeyId: undefined },
    { ...valid, accessKeyId: 'AKID\r\nX-Injected: 1' },
    { ...valid, accessKeySecret: 'x'.repeat(1_000_000) },
    { ...valid, signName: ['Logto'] },
    { ...valid, sdkAppId: '14000000ab' },
    { ...valid, sdkAppId: 1400000000 },
    { ...valid, sdkAppId: '１４００' },
    { ...valid, region: 'ap/guangzhou' },
    { ...valid, region: 'ap.guangzhou' },
    { ...valid, region: '' },
    { ...valid, templates: {} },
    { ...valid, templates: [{ usageType: 'SignIn' }] },
    { ...valid, templates: valid.templates.map((t) => ({ ...t, templateCode: 'SMS_123' })) },
    { ...valid, endpoint: 'https://user:pass@sms.tencentcloudapi.com' },
    { ...valid, endpoint: 'https://sms.tencentcloudapi.com/v2' },
    { ...valid, endpoint: 'https://sms.tencentcloudapi.com?x=1' },
    { ...valid, endpoint: 'http://sms.tencentcloudapi.com' },
    { ...valid, endpoint: 'http://10.0.0.1:8080' },
    { ...valid, endpoint: 'ftp://127.0.0.1' },
    { ...valid, endpoint: '💥.example.com' },
    { ...valid, senderId: 42 },
  ];
  const before = emulator.apiRequests();
  for (const config of cases) {
    // Through getConfig, as Logto passes the saved config, so `null` and `undefined` are real.
    const connector = await createConnector({ getConfig: async () => config });
    const error = await rejectsWith(connector.sendMessage(signIn()), 'invalid_config');
    const { issues } = error.data;
    assert.ok(issues.length > 0 && issues.every((issue) => issue.message), JSON.stringify(config)?.slice(0, 80));
  }
  assert.equal(emulator.apiRequests(), before, 'nothing was sent');
});

test('unicode and extra keys in a valid config are fine: the message arrives', async () => {
  emulator.clear();
  const { connector } = await connectorFor(emulator, { unexpected: { nested: ['😀'] }, signName: 'Logto' });
  await connector.sendMessage(signIn('8613711119999', { code: '246810' }));
  const [message] = await emulator.messages();
  assert.equal(message.phoneNumber, '+8613711119999');
  assert.match(message.content, /^【Logto】.*246810/);
});

/** `{ a: { a: … 1 … } }`, `depth` objects deep: past serde_json's recursion limit of 128. */
const nestedDeep = (depth) => {
  let value = 1;
  for (let level = 0; level < depth; level += 1) {
    value = { a: value };
  }
  return value;
};

test('an unknown key nested 200 deep, in the config or the payload, is ignored', async () => {
  emulator.clear();
  const { connector, config } = await connectorFor(emulator, { unexpected: nestedDeep(200) });
  assert.equal(connector.configGuard.safeParse(config).success, true);
  await connector.sendMessage(signIn('8613711118888', { code: '1357', extra: nestedDeep(200) }));
  assert.equal((await emulator.messages()).length, 1);
});

test('a lone surrogate is named with its field, and nothing is sent', async () => {
  const before = emulator.apiRequests();
  const broken = /is not valid text: it holds a lone UTF-16 surrogate/;
  const { connector } = await connectorFor(emulator);
  for (const [data, field] of [
    [signIn('+86137\ud8001112222'), '`to`'],
    [{ ...signIn(), type: 'Sign\udc00In' }, '`type`'],
    [signIn('8613711112222', { code: '12\ud83d34' }), '`payload.code`'],
  ]) {
    const error = await rejectsWith(connector.sendMessage(data), 'invalid_request_parameters');
    assert.match(error.data.errorDescription, broken);
    assert.ok(error.data.errorDescription.startsWith(field), error.data.errorDescription);
  }
  for (const field of ['signName', 'accessKeySecret']) {
    const { connector: misconfigured, config } = await connectorFor(emulator, { [field]: 'Logto\ud83d' });
    const error = await rejectsWith(misconfigured.sendMessage(signIn()), 'invalid_config', 'Logto\ud83d');
    assert.deepEqual(
      error.data.issues.map(({ path }) => path),
      [[field]],
    );
    assert.match(error.data.issues[0].message, broken);
    assert.deepEqual(
      misconfigured.configGuard.safeParse(config).error.issues.map(({ path }) => path),
      [[field]],
    );
  }
  assert.equal(emulator.apiRequests(), before, 'nothing was sent');
});
