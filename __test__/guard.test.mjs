// The SMS abuse guard through the connector: refused sends never reach Tencent (the emulator
// counts its requests), each refusal has the right code, and with `guard.redisUrl` two
// separate Node processes share one limit through a real redis-server, which may go away
// mid-run without a send hanging (the guard falls back to each process's own counters).

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';

import createConnector from '../lib/index.js';
import { connectorFor, freePort, rejectsWith, signIn, startTestEmulator } from './helpers.mjs';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'guard-child.mjs');
const redisServer = spawnSync('redis-server', ['--version']).status === 0 ? 'redis-server' : undefined;

let emulator;
before(async () => {
  emulator = await startTestEmulator();
});
after(async () => {
  await emulator.close();
});

const withGuard = (guard) => ({ ...emulator.connectorConfig(), guard });

test('numbers the guard refuses never reach Tencent, and the error names the rule', async () => {
  const cases = [
    [{ allowedCountries: ['CN'] }, '16502530000', /guard\.allowedCountries/],
    [{ blockedCountries: ['us'] }, '16502530000', /guard\.blockedCountries/],
    [{ numberTypes: ['mobile', 'fixedLineOrMobile'] }, '449098790123', /its number type \(premiumRate\) is not in guard\.numberTypes/],
    [{ allowedCountries: ['CN'] }, '8612345678901', /not a valid number for its country/],
  ];
  const before = emulator.apiRequests();
  for (const [guard, to, description] of cases) {
    const connector = await createConnector({ getConfig: async () => withGuard(guard) });
    const error = await rejectsWith(connector.sendMessage(signIn(to)), 'invalid_request_parameters');
    assert.match(error.data.errorDescription, description);
    assert.doesNotMatch(error.data.errorDescription, /\bCN\b|\bus\b/, 'the rule, not its configuration');
  }
  assert.equal(emulator.apiRequests(), before, 'nothing reached the emulator');
  const { connector } = await connectorFor(emulator, { guard: { allowedCountries: ['CN'] } });
  await connector.sendMessage(signIn('8613711112222'));
  assert.equal(emulator.apiRequests(), before + 1, 'an allowed number is sent');
});

test('limits per IP and per number range are 429s that cost nothing', async () => {
  const guard = { perIp: { max: 2, windowSeconds: 600 }, perPrefix: { max: 3, windowSeconds: 600, digits: 4 } };
  const connector = await createConnector({ getConfig: async () => withGuard(guard) });
  const before = emulator.apiRequests();
  const send = (to, ip) => connector.sendMessage({ ...signIn(to), ip });
  await send('8613700000001', '203.0.113.1');
  await send('8613700000002', '203.0.113.1');
  const perIp = await rejectsWith(send('8613700000003', '203.0.113.1'), 'rate_limit_exceeded');
  assert.match(perIp.data.errorDescription, /guard\.perIp/);
  await send('8613700000004', '203.0.113.2');
  const perPrefix = await rejectsWith(send('8613700000005', '203.0.113.3'), 'rate_limit_exceeded');
  assert.match(perPrefix.data.errorDescription, /guard\.perPrefix/);
  assert.equal(emulator.apiRequests() - before, 3, 'only the admitted sends reached the emulator');
});

const startRedis = async () => {
  const port = await freePort();
  const redis = spawn(redisServer, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    redis.on('error', reject);
    redis.stdout.on('data', (chunk) => String(chunk).includes('Ready to accept connections') && resolve());
  });
  const exited = new Promise((resolve) => redis.once('exit', resolve));
  const stop = () => {
    redis.kill('SIGKILL');
    return exited;
  };
  return { url: `redis://127.0.0.1:${port}/0`, stop };
};

/** A child process sending `count` codes from `ip`; resolves with its report. */
const runChild = (config, count, ip, pauseAfter) => {
  const env = { ...process.env, GUARD_CONFIG: JSON.stringify(config), ...(pauseAfter === undefined ? {} : { PAUSE_AFTER: String(pauseAfter) }) };
  const proc = spawn(process.execPath, [child, String(count), ip], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const paused = new Promise((resolve) => proc.stdout.on('data', (chunk) => {
    out += chunk;
    if (out.includes('paused')) {
      resolve();
    }
  }));
  const report = new Promise((resolve, reject) => proc.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1))) : reject(new Error(`child exited ${code}: ${out}`)))));
  return { paused, resume: () => proc.stdin.write('go\n'), report };
};

describe('shared through Redis', { skip: redisServer ? false : 'no redis-server (run scripts/install-test-tools.sh as root)' }, () => {
  let redis;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis?.stop();
  });

  test('two Node processes sharing one Redis see one combined limit', async () => {
    const config = withGuard({ perIp: { max: 6, windowSeconds: 600 }, redisUrl: redis.url });
    const before = emulator.apiRequests();
    const [a, b] = await Promise.all([runChild(config, 5, '198.51.100.7').report, runChild(config, 5, '198.51.100.7').report]);
    assert.deepEqual([a.other, b.other], [[], []]);
    assert.equal(a.sent + b.sent, 6, `one limit for both: ${JSON.stringify([a, b])}`);
    assert.equal(a.limited + b.limited, 4);
    assert.equal(emulator.apiRequests() - before, 6);
  });

  test('when Redis goes away mid-run, no send hangs: each process counts for itself', async () => {
    const config = withGuard({ perIp: { max: 3, windowSeconds: 600 }, redisUrl: redis.url });
    const run = runChild(config, 6, '198.51.100.8', 2);
    await run.paused;
    await redis.stop();
    run.resume();
    const report = await run.report;
    assert.deepEqual(report.other, []);
    // Two sends were counted in Redis; after it went away the process's own counter starts
    // afresh, so three more are admitted and the last is limited.
    assert.deepEqual([report.sent, report.limited], [5, 1]);
    assert.ok(report.slowestMs < 2_000, `the slowest send took ${report.slowestMs} ms`);
  });
});
