// The SMS abuse guard through the connector: refused sends never reach Tencent (the emulator
// counts its requests), each refusal has the right code, and with `guard.redisUrl` two
// separate Node processes share one limit through a real redis-server, plain or over TLS
// (`rediss://`, trusting the server through SSL_CERT_FILE), which may go away mid-run without
// a send hanging (the guard falls back to each process's own counters and says so once).

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

test('rules of one message type (guard.byType) narrow the rest: international numbers may sign in but not sign up', async () => {
  const config = withGuard({
    perIp: { max: 10, windowSeconds: 600 },
    byType: { Register: { allowedCountries: ['CN'], perIp: { max: 1, windowSeconds: 600 } } },
  });
  const connector = await createConnector({ getConfig: async () => config });
  const us = '16502530000';
  const before = emulator.apiRequests();
  await connector.sendMessage({ to: us, type: 'SignIn', payload: { code: '123456' } });
  const refused = await rejectsWith(connector.sendMessage({ to: us, type: 'Register', payload: { code: '123456' } }), 'invalid_request_parameters');
  assert.match(refused.data.errorDescription, /guard\.byType\.Register\.allowedCountries/);
  // Register's own limit, counted apart: one Register from an IP, however many sign-ins.
  const ip = '198.51.100.30';
  await connector.sendMessage({ to: '8613700000030', type: 'Register', ip, payload: { code: '1' } });
  await connector.sendMessage({ to: '8613700000031', type: 'SignIn', ip, payload: { code: '1' } });
  const limited = await rejectsWith(connector.sendMessage({ to: '8613700000032', type: 'Register', ip, payload: { code: '1' } }), 'rate_limit_exceeded');
  assert.match(limited.data.errorDescription, /guard\.byType\.Register\.perIp/);
  assert.equal(emulator.apiRequests() - before, 3, 'the refused sends never reached Tencent');
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
    const report = await runChild(config, 2, '198.51.100.13').report;
    assert.deepEqual([report.sent, report.other], [2, []]);
    // 250 ms for the guard's whole decision and a few for the send itself: libphonenumber's
    // first load (about 80 ms) comes out of the same bound, not on top of it.
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

/** Runs `redis-cli` with `args`; its output (it must succeed). */
const redisCli = (...args) => {
  const { status, stdout, stderr } = spawnSync('redis-cli', args, { encoding: 'utf8' });
  assert.equal(status, 0, `redis-cli ${args.join(' ')}: ${stderr}`);
  return stdout;
};

/** Waits until every node of `ports` says the cluster is ok. */
const clusterReady = async (ports) => {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (ports.every((port) => redisCli('-p', String(port), 'cluster', 'info').includes('cluster_state:ok'))) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the Redis Cluster did not become ready');
};

/** One redis-server of a cluster on `port`, its data (AOF, fsync'd on every write) in `dir`. */
const startClusterNode = async (port, dir) => {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`];
  const node = spawn(redisServer, [...args, '--cluster-node-timeout', '2000', '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise((resolve, reject) => {
    let said = '';
    node.on('exit', () => reject(new Error(`redis-server ${port} exited: ${said}`)));
    const listen = (chunk) => {
      said += chunk;
      if (said.includes('Ready to accept connections')) {
        resolve();
      }
    };
    node.stdout.on('data', listen);
    node.stderr.on('data', listen);
  });
  const exited = new Promise((resolve) => node.once('exit', resolve));
  return { port, kill: () => node.kill('SIGKILL') && exited };
};

/** Three masters on loopback ports (each with `replicas` replicas), made a cluster by `redis-cli --cluster create`. */
const startCluster = async ({ replicas = 0 } = {}) => {
  const root = mkdtempSync(path.join(tmpdir(), 'redis-cluster-'));
  const ports = [];
  for (let n = 0; n < 3 * (1 + replicas); n += 1) {
    ports.push(await freePort());
  }
  const dirOf = (port) => {
    const dir = path.join(root, String(port));
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  const nodes = await Promise.all(ports.map((port) => startClusterNode(port, dirOf(port))));
  redisCli('--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', String(replicas), '--cluster-yes');
  await clusterReady(ports);
  // Replicas sync after the cluster is made: wait until every one's link to its master is up.
  for (let attempt = 0; replicas > 0 && attempt < 200; attempt += 1) {
    const links = ports.map((port) => redisCli('-p', String(port), 'info', 'replication'));
    const up = links.filter((info) => info.includes('master_link_status:up')).length;
    if (up === 3 * replicas) {
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    ports,
    /** Whether the node at `port` is a master now. */
    isMaster: (port) => redisCli('-p', String(port), 'role').startsWith('master'),
    /** Waits until a replica has taken over the slots of `gone` and the cluster is ok again. */
    readyWithout: async (gone) => {
      const alive = ports.filter((port) => port !== gone);
      for (let attempt = 0; attempt < 300; attempt += 1) {
        const owners = redisCli('-p', String(alive[0]), 'cluster', 'slots');
        if (!owners.split('\n').includes(String(gone))) {
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await clusterReady(alive);
    },
    // Written as Logto writes REDIS_URL for a cluster.
    url: `redis://127.0.0.1:${ports[0]}?cluster=1&host=127.0.0.1:${ports[1]}&host=127.0.0.1:${ports[2]}`,
    /** The guard's counters on the node at `port`. */
    keysOn: (port) => redisCli('-p', String(port), '--scan', '--pattern', 'tencent-sms-guard:*').split('\n').filter(Boolean),
    kill: (port) => nodes.find((node) => node.port === port).kill(),
    restart: async (port) => {
      const index = nodes.findIndex((node) => node.port === port);
      nodes[index] = await startClusterNode(port, dirOf(port));
      await clusterReady(ports);
    },
    stop: () => Promise.all(nodes.map((node) => node.kill())),
  };
};

describe('shared through a Redis Cluster (redisUrl written as Logto writes REDIS_URL)', {
  skip: redisServer ? false : 'no redis-server (run scripts/install-test-tools.sh as root)',
}, () => {
  let cluster;
  before(async () => {
    cluster = await startCluster();
  });
  after(async () => {
    await cluster?.stop();
  });

  test('two Node processes sharing a three-master cluster hold perIp { max: 3 } to exactly 3 sends, counted in the cluster', async () => {
    const config = withGuard({ perIp: { max: 3, windowSeconds: 600 }, redisUrl: cluster.url });
    const [a, b] = await Promise.all([runChild(config, 4, '198.51.100.20').report, runChild(config, 4, '198.51.100.20').report]);
    assert.deepEqual([a.other, b.other], [[], []]);
    assert.equal(a.sent + b.sent, 3, `one limit for both: ${JSON.stringify([a, b])}`);
    assert.equal(a.stderr + b.stderr, '', 'a cluster that answers is not logged');
    const keys = cluster.ports.flatMap((port) => cluster.keysOn(port));
    assert.ok(
      keys.some((key) => key.includes(':ip:198.51.100.20:')),
      `the counter is in the cluster: ${keys}`,
    );
    assert.ok(
      keys.every((key) => /^tencent-sms-guard:\{\d+\}:/.test(key)),
      `every counter carries its app as the hash tag: ${keys}`,
    );
  });

  test('a slot moved mid-run (MOVED) is followed: the limit holds and nothing falls back to the process', async () => {
    const ip = '198.51.100.22';
    const config = withGuard({ perIp: { max: 3, windowSeconds: 600 }, redisUrl: cluster.url });
    const run = runChild(config, 4, ip, 2);
    await run.paused;
    const key = cluster.ports.flatMap((port) => cluster.keysOn(port)).find((name) => name.includes(`:ip:${ip}:`));
    assert.ok(key, 'the counter is in the cluster');
    const source = cluster.ports.find((port) => cluster.keysOn(port).includes(key));
    const target = cluster.ports.find((port) => port !== source);
    const slot = redisCli('-p', String(source), 'cluster', 'keyslot', key).trim();
    const id = (port) => redisCli('-p', String(port), 'cluster', 'myid').trim();
    // Redis's own procedure for moving one slot, keys included.
    redisCli('-p', String(target), 'cluster', 'setslot', slot, 'importing', id(source));
    redisCli('-p', String(source), 'cluster', 'setslot', slot, 'migrating', id(target));
    redisCli('-p', String(source), 'migrate', '127.0.0.1', String(target), '', '0', '5000', 'keys', key);
    for (const port of cluster.ports) {
      redisCli('-p', String(port), 'cluster', 'setslot', slot, 'node', id(target));
    }
    assert.ok(cluster.keysOn(target).includes(key), 'the counter moved');
    run.resume();
    const report = await run.report;
    assert.deepEqual([report.sent, report.limited, report.other], [3, 1, []], JSON.stringify(report));
    assert.equal(report.stderr, '', 'the move was followed, not fallen back from');
  });

  test('a killed node hangs no send, and once it is back the limit it held still holds', async () => {
    const ip = '198.51.100.21';
    const config = withGuard({ perIp: { max: 3, windowSeconds: 600 }, redisUrl: cluster.url });
    const first = await runChild(config, 3, ip).report;
    assert.deepEqual([first.sent, first.limited, first.other], [3, 0, []]);
    const holder = cluster.ports.find((port) => cluster.keysOn(port).some((key) => key.includes(`:ip:${ip}:`)));
    assert.ok(holder, 'a node holds the counter');
    await cluster.kill(holder);
    const during = await runChild(config, 2, ip).report;
    assert.deepEqual(during.other, []);
    assert.ok(during.slowestMs < 1_000, `the slowest send took ${during.slowestMs} ms`);
    assert.equal(during.stderr.match(/cannot use guard\.redisUrl/g)?.length, 1, `logged once: ${during.stderr}`);
    await cluster.restart(holder);
    const after = await runChild(config, 1, ip).report;
    assert.deepEqual([after.sent, after.limited, after.other], [0, 1, []], 'the count survived the restart');
  });
});

describe('a Redis Cluster failing over to a replica', { skip: redisServer ? false : 'no redis-server (run scripts/install-test-tools.sh as root)' }, () => {
  let cluster;
  before(async () => {
    cluster = await startCluster({ replicas: 1 });
  });
  after(async () => {
    await cluster?.stop();
  });

  test('when the master holding the counters dies, its replica takes over and the limit still holds', async () => {
    const ip = '198.51.100.23';
    const config = withGuard({ perIp: { max: 3, windowSeconds: 600 }, redisUrl: cluster.url });
    const first = await runChild(config, 3, ip).report;
    assert.deepEqual([first.sent, first.limited, first.other], [3, 0, []]);
    const master = cluster.ports.find((port) => cluster.isMaster(port) && cluster.keysOn(port).some((key) => key.includes(`:ip:${ip}:`)));
    assert.ok(master, 'a master holds the counter');
    // The write reached its replica before the master goes.
    assert.equal(redisCli('-p', String(master), 'wait', '1', '2000').trim(), '1');
    await cluster.kill(master);
    await cluster.readyWithout(master);
    const after = await runChild(config, 1, ip).report;
    assert.deepEqual([after.sent, after.limited, after.other], [0, 1, []], `the replica's count holds: ${JSON.stringify(after)}`);
    assert.ok(after.slowestMs < 1_000, `the send took ${after.slowestMs} ms`);
  });
});
