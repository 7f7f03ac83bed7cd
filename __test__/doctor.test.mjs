// Why a code did not arrive, against the emulator playing an account with templates and signs
// in every review state and a carrier that fails some numbers: `tencent-sms doctor` passes a
// good config and names each problem of a bad one with its config key; a send refused for a
// template or a sign carries Tencent's review in the error the console shows; `tencent-sms
// status` reports a delivered and a failed message.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import createConnector from '../lib/index.js';
import { SECRET_MARKER, fourTemplates, rejectsWith, startTestEmulator } from './helpers.mjs';

const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'tencent-sms.js');
const UNDER_REVIEW = 'The template will be reviewed within 2 hours';
const REJECTED = 'The template contains marketing content';

let emulator;
let dir;
before(async () => {
  emulator = await startTestEmulator({
    apps: [
      {
        sdkAppId: '1400000000',
        signNames: ['Logto'],
        signReviews: [{ signName: 'Pending', statusCode: 1, reviewReply: 'Qualification documents are being checked' }],
        templates: [
          { templateId: '1000001', content: 'Your verification code is {1}.', international: false },
          { templateId: '1000002', content: 'Your code is {1}, valid for {2} minutes.', international: false },
          { templateId: '2000001', content: 'Your Logto code is {1}.', international: true },
          { templateId: '3000001', content: 'Code {1}', international: false, statusCode: 1, reviewReply: UNDER_REVIEW },
          { templateId: '4000001', content: 'Code {1}', international: false, statusCode: -1, reviewReply: REJECTED },
        ],
      },
    ],
    deliveryFailures: [{ prefix: '+8613800000', description: 'MK:0005' }],
  });
  dir = mkdtempSync(path.join(os.tmpdir(), 'tencent-doctor-'));
});
after(() => emulator.close());

const base = () => ({
  ...emulator.connectorConfig(),
  templates: [...fourTemplates('1000001'), { usageType: 'Generic', templateCode: '2000001', international: true }],
});

const run = (...args) => {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 30_000 });
  assert.ok(!`${result.stdout}${result.stderr}`.includes(SECRET_MARKER), 'no secret printed');
  return result;
};

const file = (name, config) => {
  const full = path.join(dir, name);
  writeFileSync(full, JSON.stringify(config));
  return full;
};

test('doctor passes a good config, site by site, with read-only calls', async () => {
  emulator.clear();
  const { status, stdout } = run('doctor', '--config', file('good.json', base()), '--json');
  const report = JSON.parse(stdout);
  assert.equal(status, 0, stdout);
  assert.equal(report.ok, true);
  const ids = report.checks.map((c) => c.id);
  for (const id of [
    'config',
    'credentials',
    'account',
    'sign:Logto',
    'template:1000001',
    'template:2000001',
    'selection:SignIn:mainland',
    'selection:SignIn:international',
  ]) {
    assert.ok(ids.includes(id), `${id} in ${ids}`);
  }
  assert.deepEqual(await emulator.messages(), [], 'the doctor never sends an SMS');
});

test("doctor names each problem with the config key to change and Tencent's review", async () => {
  const config = base();
  config.templates = [
    { usageType: 'SignIn', templateCode: '3000001' },
    { usageType: 'Register', templateCode: '4000001' },
    { usageType: 'ForgotPassword', templateCode: '9999999' },
    { usageType: 'Generic', templateCode: '1000002' },
    { usageType: 'MfaVerification', templateCode: '1000001', international: true },
    { usageType: 'BindMfa', templateCode: '1000001', signName: 'Pending' },
  ];
  config.guard = { perIp: { max: 5, windowSeconds: 60 }, redisUrl: 'redis://127.0.0.1:9/0' };
  const { status, stdout } = run('doctor', '--config', file('bad.json', config), '--json');
  assert.equal(status, 1, stdout);
  const report = JSON.parse(stdout);
  // The first failing check at each key: the template's own (selection checks come after).
  const failed = {};
  for (const check of report.checks.filter((c) => !c.ok)) {
    failed[check.key] ??= check.message;
  }
  assert.match(failed['templates[0].templateCode'], new RegExp(`under review \\(StatusCode 1\\): "${UNDER_REVIEW}"`));
  assert.match(failed['templates[1].templateCode'], new RegExp(`rejected \\(StatusCode -1\\): "${REJECTED}"`));
  assert.match(failed['templates[2].templateCode'], /template 9999999 does not exist/);
  assert.match(failed['templates[3].params'], /2 placeholder\(s\) but the config sends 1/);
  assert.match(failed['templates[4].international'], /marked international in the config, but Tencent has it as mainland/);
  assert.match(failed['templates[5].signName'], /sign Pending: under review .*Qualification documents/);
  assert.match(failed['guard.redisUrl'], /the guard's Redis cannot be used/);
  const { stdout: text } = run('doctor', '--config', file('bad.json', config));
  assert.match(text, /✗ .*\[templates\[0\]\.templateCode\]/);
  assert.equal(run('doctor').status, 2, 'bad usage');
});

test("a send refused for its template or sign carries Tencent's review in the error the console shows", async () => {
  const config = base();
  config.templates = [...fourTemplates('3000001')];
  const connector = await createConnector({ getConfig: async () => config });
  const error = await rejectsWith(connector.sendMessage({ to: '8613711112222', type: 'SignIn', payload: { code: '123456' } }), 'invalid_config');
  const message = JSON.stringify(error.data);
  assert.match(message, new RegExp(`Tencent's review of template 3000001: under review \\(StatusCode 1\\): \\\\"${UNDER_REVIEW}\\\\"`));
  const signed = { ...base(), signName: 'Pending' };
  const viaSign = await createConnector({ getConfig: async () => signed });
  const refused = await rejectsWith(viaSign.sendMessage({ to: '8613711112222', type: 'SignIn', payload: { code: '123456' } }), 'invalid_config');
  assert.match(JSON.stringify(refused.data), /Tencent's review of sign Pending: under review/);
});

test('status reports a delivered and a failed message with their SerialNo', async () => {
  emulator.clear();
  const connector = await createConnector({ getConfig: async () => base() });
  const delivered = await connector.sendMessage({ to: '8613711112222', type: 'SignIn', payload: { code: '111111' } });
  const failed = await connector.sendMessage({ to: '8613800000001', type: 'SignIn', payload: { code: '222222' } });
  const config = file('status.json', base());
  const ok = JSON.parse(run('status', '--config', config, '--to', '8613711112222', '--json').stdout);
  assert.deepEqual(
    ok.map((r) => [r.serialNo, r.status, r.description, r.phoneNumber]),
    [[delivered.serialNo, 'delivered', 'DELIVRD', '+8613711112222']],
  );
  assert.ok(!Number.isNaN(Date.parse(ok[0].receivedAt)));
  const bad = JSON.parse(run('status', '--config', config, '--to', '8613800000001', '--since', '2h', '--json').stdout);
  assert.deepEqual(
    bad.map((r) => [r.serialNo, r.status, r.description]),
    [[failed.serialNo, 'failed', 'MK:0005']],
  );
  assert.match(run('status', '--config', config, '--to', '8613711112222').stdout, /delivered +DELIVRD/);
  assert.equal(run('status', '--config', config, '--to', '8613711112222', '--since', '9d').status, 2);
});

test('doctor names the key Tencent refused, as the console does, and says which checks it skipped and why', async () => {
  const failedAccount = (config) => {
    const { status, stdout } = run('doctor', '--config', file('keys.json', config), '--json');
    assert.equal(status, 1, stdout);
    const report = JSON.parse(stdout);
    return { report, account: report.checks.find((c) => c.id.endsWith('account') && !c.ok) };
  };
  const wrongSecret = failedAccount({ ...base(), accessKeySecret: 'not-the-secret' });
  assert.equal(wrongSecret.account.key, 'accessKeySecret', wrongSecret.account.message);
  const skipped = wrongSecret.report.checks.filter((c) => c.skipped);
  assert.ok(skipped.some((c) => c.id === 'template:1000001'));
  assert.ok(skipped.some((c) => c.id === 'selection:SignIn:mainland'));
  for (const check of skipped) {
    assert.equal(check.ok, false);
    assert.match(check.message, /was not checked: the check account failed first/);
    assert.doesNotMatch(check.message, /see its check/);
  }
  assert.equal(failedAccount({ ...base(), accessKeyId: 'AKIDunknown' }).account.key, 'accessKeyId');
  const international = failedAccount({ ...base(), internationalSite: { accessKeySecret: 'not-the-secret' } });
  assert.equal(international.account.id, 'internationalSite.account');
  assert.equal(international.account.key, 'internationalSite.accessKeySecret');
  const unreachable = failedAccount({ ...base(), endpoint: 'http://127.0.0.1:9' });
  assert.equal(unreachable.account.key, 'endpoint', unreachable.account.message);
});

test('doctor --json prints its JSON object on stdout for an unreadable config too; status and send refuse bad numbers as usage', () => {
  const broken = path.join(dir, 'broken.json');
  writeFileSync(broken, '{"accessKeySecret": "logto-emulator-demo-secret",');
  for (const config of [path.join(dir, 'missing.json'), broken]) {
    const { status, stdout } = run('doctor', '--config', config, '--json');
    assert.equal(status, 2);
    const report = JSON.parse(stdout);
    assert.equal(report.ok, false);
    assert.equal(report.checks[0].id, 'config');
  }
  const config = file('status.json', base());
  const status = run('status', '--config', config, '--to', 'not-a-number');
  assert.equal(status.status, 2, status.stderr);
  assert.match(status.stderr, /not a phone number/);
  const before = emulator.apiRequests();
  const send = run('send', '--config', config, '--to', '13711112222');
  assert.equal(send.status, 2, send.stderr);
  assert.match(send.stderr, /did you mean --to 8613711112222\?/);
  assert.equal(emulator.apiRequests(), before, 'nothing was sent');
});
