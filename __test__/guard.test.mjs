// The SMS abuse guard through the connector: refused sends never reach Tencent (the emulator
// counts its requests), each refusal has the right code, and with `guard.redisUrl` two
// separate Node processes share one limit through a real redis-server, plain or over TLS
// (`rediss://`, trusting the server through SSL_CERT_FILE), which may go away mid-run without
// a send hanging (the guard falls back to each process's own counters and says so once).

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

const tlsFixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'tls');

/** A redis-server on a free loopback port; with `tls`, it speaks TLS only, with the test CA's certificate. */
const startRedis = async ({ tls = false } = {}) => {
  const port = await freePort();
  const listen = tls
    ? [
        '--port',
        '0',
        '--tls-port',
        String(port),
        '--tls-cert-file',
        path.join(tlsFixtures, 'cert.pem'),
        '--tls-key-file',
        path.join(tlsFixtures, 'key.pem'),
        '--tls-ca-cert-file',
        path.join(tlsFixtures, 'ca.pem'),
        '--tls-auth-clients',
        'no',
      ]
    : ['--port', String(port)];
  const redis = spawn(redisServer, [...listen, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let said = '';
  await new Promise((resolve, reject) => {
    redis.on('error', reject);
    redis.on('exit', () => reject(new Error(`redis-server exited: ${said}`)));
    const listenOn = (chunk) => {
      said += chunk;
      if (said.includes('Ready to accept connections')) {
        resolve();
      }
    };
    redis.stdout.on('data', listenOn);
    redis.stderr.on('data', listenOn);
  });
  const exited = new Promise((resolve) => redis.once('exit', resolve));
  const stop = () => {
    redis.kill('SIGKILL');
    return exited;
  };
  return { url: `${tls ? 'rediss' : 'redis'}://127.0.0.1:${port}/0`, stop };
};

/** A child process sending `count` codes from `ip`; resolves with its report and what it wrote on stderr. */
const runChild = (config, count, ip, pauseAfter, extraEnv = {}) => {
  const env = { ...process.env, ...extraEnv, GUARD_CONFIG: JSON.stringify(config), ...(pauseAfter === undefined ? {} : { PAUSE_AFTER: String(pauseAfter) }) };
  const proc = spawn(process.execPath, [child, String(count), ip], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let stderr = '';
  proc.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const paused = new Promise((resolve) =>
    proc.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('paused')) {
        resolve();
      }
    }),
  );
  const report = new Promise((resolve, reject) =>
    proc.on('exit', (code) =>
      code === 0 ? resolve({ ...JSON.parse(out.trim().split('\n').at(-1)), stderr }) : reject(new Error(`child exited ${code}: ${out}${stderr}`)),
    ),
  );
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
    assert.equal(a.stderr + b.stderr, '', 'a Redis that answers is not logged');
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
    assert.equal(report.stderr.match(/cannot use guard\.redisUrl/g)?.length, 1, `logged once: ${report.stderr}`);
    assert.doesNotMatch(report.stderr, /127\.0\.0\.1/, 'the log line does not carry the URL');
  });
});

test('a silent Redis costs a send one 250 ms bound, the first send of a process included', async () => {
  const net = await import('node:net');
  const held = [];
  const silent = net.createServer((socket) => held.push(socket));
  await new Promise((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const redisUrl = `redis://127.0.0.1:${silent.address().port}/0`;
  const config = withGuard({ allowedCountries: ['CN'], numberTypes: ['mobile'], perIp: { max: 10, windowSeconds: 600 }, redisUrl });
  try {
    const report = await runChild(config, 2, '198.51.100.13', undefined, { WAIT_BEFORE_MS: '500' }).report;
    assert.deepEqual([report.sent, report.other], [2, []]);
    // 250 ms for Redis and a few for the send itself; libphonenumber's first load (about 80 ms)
    // happens as the connector loads, not inside the first send's bound.
    assert.ok(report.firstMs < 310, `the first send took ${report.firstMs} ms`);
    assert.ok(report.slowestMs < 310, `the slowest send took ${report.slowestMs} ms`);
  } finally {
    for (const socket of held) {
      socket.destroy();
    }
    silent.close();
  }
});

describe('a Redis out of memory', { skip: redisServer ? false : 'no redis-server (run scripts/install-test-tools.sh as root)' }, () => {
  let redis;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis?.stop();
  });

  test('refusing writes (maxmemory, noeviction), the limit still holds exactly: counting goes on from what Redis holds', async () => {
    const config = withGuard({ perIp: { max: 3, windowSeconds: 600 }, redisUrl: redis.url });
    const run = runChild(config, 8, '198.51.100.11', 1);
    await run.paused;
    // One send is counted in Redis; from now on Redis refuses every write with OOM.
    const port = new URL(redis.url).port;
    const full = spawnSync('redis-cli', ['-p', port, 'CONFIG', 'SET', 'maxmemory', '1'], { encoding: 'utf8' });
    assert.equal(full.status, 0, full.stderr);
    run.resume();
    const report = await run.report;
    assert.deepEqual(report.other, []);
    assert.deepEqual([report.sent, report.limited], [3, 5], JSON.stringify(report));
    assert.match(report.stderr, /cannot use guard\.redisUrl \(Redis refused: OOM\)/);
  });
});

describe('shared through Redis over TLS (rediss://)', { skip: redisServer ? false : 'no redis-server (run scripts/install-test-tools.sh as root)' }, () => {
  let redis;
  before(async () => {
    redis = await startRedis({ tls: true });
  });
  after(async () => {
    await redis?.stop();
  });

  test('two Node processes trusting the server through SSL_CERT_FILE see one combined limit', async () => {
    const config = withGuard({ perIp: { max: 4, windowSeconds: 600 }, redisUrl: redis.url });
    const trust = { SSL_CERT_FILE: path.join(tlsFixtures, 'ca.pem') };
    const before = emulator.apiRequests();
    const [a, b] = await Promise.all([
      runChild(config, 3, '198.51.100.9', undefined, trust).report,
      runChild(config, 3, '198.51.100.9', undefined, trust).report,
    ]);
    assert.deepEqual([a.other, b.other], [[], []]);
    assert.equal(a.sent + b.sent, 4, `one limit for both: ${JSON.stringify([a, b])}`);
    assert.equal(a.stderr + b.stderr, '');
    assert.equal(emulator.apiRequests() - before, 4);
  });

  test("a private CA named by certroot in redisUrl, as in Logto's REDIS_URL, is trusted for Redis alone", async () => {
    const ca = path.join(tlsFixtures, 'ca.pem');
    const config = withGuard({ perIp: { max: 4, windowSeconds: 600 }, redisUrl: `${redis.url}?certroot=${encodeURIComponent(ca)}` });
    const before = emulator.apiRequests();
    const [a, b] = await Promise.all([runChild(config, 3, '198.51.100.12').report, runChild(config, 3, '198.51.100.12').report]);
    assert.deepEqual([a.other, b.other], [[], []]);
    assert.equal(a.sent + b.sent, 4, `one limit for both: ${JSON.stringify([a, b])}`);
    assert.equal(a.stderr + b.stderr, '');
    assert.equal(emulator.apiRequests() - before, 4);
  });

  test('a TLS Redis the connector does not trust is logged, and each process counts alone', async () => {
    const config = withGuard({ perIp: { max: 2, windowSeconds: 600 }, redisUrl: redis.url });
    // Trusts only the server's own certificate, not the CA that issued it.
    const leafOnly = path.join(mkdtempSync(path.join(tmpdir(), 'redis-tls-')), 'leaf.pem');
    const chain = readFileSync(path.join(tlsFixtures, 'cert.pem'), 'utf8');
    writeFileSync(leafOnly, chain.slice(0, chain.indexOf('-----END CERTIFICATE-----') + 25));
    const report = await runChild(config, 3, '198.51.100.10', undefined, { SSL_CERT_FILE: leafOnly }).report;
    assert.deepEqual([report.sent, report.limited], [2, 1]);
    assert.equal(report.stderr.match(/cannot use guard\.redisUrl/g)?.length, 1, report.stderr);
  });
});
