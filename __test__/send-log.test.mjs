// The send log through the real connector: with TENCENT_SMS_LOG one JSON line per outcome on
// stderr (all, or errors only), with what traces a complaint to Tencent's receipt (SerialNo,
// RequestId, template, site, country, attempts, duration, the guard's decision) and never the
// code, the secret or the whole number; off by default. The guard's monitor mode logs what it
// would refuse even then, and sends anyway; exempt numbers pass every rule.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import { SECRET_MARKER, startTestEmulator } from './helpers.mjs';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'send-log-child.mjs');

let emulator;
before(async () => {
  emulator = await startTestEmulator();
});
after(() => emulator.close());

/** Runs the sends with `log` as TENCENT_SMS_LOG: the outcomes and the log's lines. */
const run = (config, sends, log) => {
  const env = { ...process.env };
  delete env.TENCENT_SMS_LOG;
  if (log !== undefined) {
    env.TENCENT_SMS_LOG = log;
  }
  const { status, stdout, stderr } = spawnSync(process.execPath, [child, JSON.stringify(config), JSON.stringify(sends)], {
    env,
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(status, 0, stderr);
  for (const secret of [SECRET_MARKER, ...sends.map((s) => s.code), ...sends.map((s) => s.to)]) {
    assert.ok(!stderr.includes(secret), `the log holds ${secret}: ${stderr}`);
  }
  const lines = stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
  return { outcomes: JSON.parse(stdout.trim().split('\n').at(-1)), lines };
};

const sends = [
  { to: '8613812348000', code: '918273', ip: '203.0.113.5' },
  { to: '8613812348001', code: '564738', ip: '203.0.113.5' },
  { to: '16502530000', code: '102938' },
];

test('TENCENT_SMS_LOG=all: a line per outcome, with what traces it to Tencent and nothing secret', async () => {
  emulator.injectFault({ kind: 'tencentError', code: 'FailedOperation.TemplateIncorrectOrUnapproved', count: 1 });
  const config = { ...emulator.connectorConfig(), guard: { perIp: { max: 1, windowSeconds: 60 } } };
  const { outcomes, lines } = run(config, [sends[2], sends[0], sends[1]], 'all');
  assert.deepEqual(outcomes, ['invalid_config', 'sent', 'rate_limit_exceeded']);
  assert.equal(lines.length, 3);
  const [refusedByTencent, sent, refusedByGuard] = lines;
  assert.equal(refusedByTencent.tencentCode, 'FailedOperation.TemplateIncorrectOrUnapproved');
  assert.equal(refusedByTencent.to, '+16502****0000');
  assert.equal(refusedByTencent.country, 'US');
  assert.ok(refusedByTencent.requestId, 'the RequestId of the refusal');
  assert.equal(sent.outcome, 'sent');
  assert.equal(sent.to, '+86138****8000');
  assert.match(sent.serialNo, /^2433:/);
  assert.equal(sent.templateId, '1000001');
  assert.deepEqual([sent.site, sent.country, sent.type, sent.attempts, sent.guard], ['main', 'CN', 'SignIn', 1, 'admitted']);
  assert.ok(Number.isInteger(sent.durationMs) && !Number.isNaN(Date.parse(sent.time)));
  assert.deepEqual([refusedByGuard.outcome, refusedByGuard.attempts, refusedByGuard.guard], ['rate_limit_exceeded', 0, 'refused by guard.perIp']);
});

test('TENCENT_SMS_LOG=errors logs the failures only, and nothing is logged by default', async () => {
  const config = { ...emulator.connectorConfig(), guard: { allowedCountries: ['CN'] } };
  const errors = run(config, [sends[0], sends[2]], 'errors');
  assert.deepEqual(errors.outcomes, ['sent', 'invalid_request_parameters']);
  assert.deepEqual(
    errors.lines.map((line) => line.guard),
    ['refused by guard.allowedCountries'],
  );
  const quiet = run(config, [sends[0], sends[2]]);
  assert.deepEqual(quiet.lines, []);
});

test('guard.mode monitor sends what it would refuse and logs it even without TENCENT_SMS_LOG; guard.exempt passes every rule', async () => {
  const before = emulator.apiRequests();
  const monitored = { ...emulator.connectorConfig(), guard: { mode: 'monitor', allowedCountries: ['CN'] } };
  const { outcomes, lines } = run(monitored, [sends[2], sends[0]]);
  assert.deepEqual(outcomes, ['sent', 'sent']);
  assert.deepEqual(
    lines.map((line) => [line.outcome, line.guard]),
    [['sent', 'monitor: guard.allowedCountries would refuse']],
  );
  const exempt = { ...emulator.connectorConfig(), guard: { allowedCountries: ['CN'], perIp: { max: 1, windowSeconds: 60 }, exempt: ['+1650253'] } };
  const office = run(
    exempt,
    [
      { ...sends[2], ip: '198.51.100.1' },
      { ...sends[2], ip: '198.51.100.1', code: '847362' },
    ],
    'all',
  );
  assert.deepEqual(office.outcomes, ['sent', 'sent']);
  assert.deepEqual(
    office.lines.map((line) => line.guard),
    ['exempt', 'exempt'],
  );
  assert.equal(emulator.apiRequests() - before, 4);
});
