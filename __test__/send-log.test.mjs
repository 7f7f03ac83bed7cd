// The send log through the real connector: with TENCENT_SMS_LOG one JSON line per outcome on
// stderr (all, or errors only), with what traces a complaint to Tencent's receipt (SerialNo,
// RequestId, template, site, country, attempts, duration, the guard's decision) and never the
// code, the secret or the whole number; off by default. The guard's monitor mode logs what it
// would refuse even then, and sends anyway; exempt numbers pass every rule.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
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

// A log line is an observation: a stderr that is full, closed or gone never changes a send's
// outcome. Node leaves a piped stderr non-blocking, so a reader that falls behind makes the
// writes answer EAGAIN, and one that went away makes them answer EPIPE.
const burstChild = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'send-log-burst-child.mjs');
const logAll = () => ({ ...process.env, TENCENT_SMS_LOG: 'all' });

/** The first JSON line `stream` prints. */
const firstJsonLine = (stream) =>
  new Promise((resolve, reject) => {
    let text = '';
    stream.on('data', (chunk) => {
      text += chunk;
      const line = text.split('\n').find((l) => l.startsWith('{'));
      if (line !== undefined && text.includes('\n', text.indexOf(line))) {
        resolve(JSON.parse(line));
      }
    });
    stream.on('end', () => reject(new Error(`no JSON line: ${text}`)));
  });

test('a stderr nobody reads: a 10 000-send burst all resolve as sent, and the lines dropped are counted and said', async () => {
  const proc = spawn(process.execPath, [burstChild, '10000', '--then-one-more'], { env: logAll(), stdio: ['pipe', 'pipe', 'pipe'] });
  // Nobody reads stderr until the burst is over: its pipe fills and the log's writes get EAGAIN.
  proc.stderr.pause();
  const stdout = createInterface({ input: proc.stdout });
  const reports = stdout[Symbol.asyncIterator]();
  const burst = JSON.parse((await reports.next()).value);
  assert.deepEqual(burst.outcomes, { sent: 10_000 }, 'every send resolved as sent');
  assert.equal(burst.delivered, 10_000);

  let stderr = '';
  // Once read, the writer writes again, and its first line says what was dropped: only then is
  // there room in its queue for the next send's line.
  const drained = new Promise((resolve) =>
    proc.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (stderr.includes('"log_dropped"')) {
        resolve();
      }
    }),
  );
  proc.stderr.resume();
  await drained;
  proc.stdin.write('go\n');
  const last = JSON.parse((await reports.next()).value);
  assert.deepEqual(last.outcomes, { sent: 1 });
  const [code] = await once(proc, 'close');
  assert.equal(code, 0);
  const lines = stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
  const notices = lines.filter((line) => line.outcome === 'log_dropped');
  const sent = lines.filter((line) => line.outcome === 'sent');
  assert.ok(notices.length > 0, 'the gap is said');
  const dropped = notices.reduce((sum, notice) => sum + notice.dropped, 0);
  assert.equal(sent.length + dropped, 10_001, 'each line is written or counted as dropped');
  assert.ok(sent.length > 0 && sent.at(-1).to === '+86137****0000', 'lines are written again once stderr is read');
});

test('a stderr whose reader is gone (EPIPE) or closed before start: every send resolves as sent', async () => {
  const proc = spawn(process.execPath, [burstChild, '20'], { env: logAll(), stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stderr.destroy();
  const report = await firstJsonLine(proc.stdout);
  assert.deepEqual(report.outcomes, { sent: 20 });
  assert.equal((await once(proc, 'exit'))[0], 0);

  const closed = spawn('sh', ['-c', `exec "${process.execPath}" "${burstChild}" 20 2>&-`], { env: logAll(), stdio: ['ignore', 'pipe', 'ignore'] });
  const closedReport = await firstJsonLine(closed.stdout);
  assert.deepEqual(closedReport.outcomes, { sent: 20 });
  assert.equal((await once(closed, 'exit'))[0], 0);
});
