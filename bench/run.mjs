// `npm run bench`: our connector vs the official 1.4.4 vs a raw Rust client, in one run, against
// the emulator on loopback, over HTTPS (what production pays: Tencent is HTTPS only) and
// over plain HTTP (for continuity with earlier runs). Then cold starts, the footprint added to a
// Logto-like Node host, signing cost, the addon's size and the SMS guard's cost.
// Writes bench/results.{md,json,svg}. Linux (the footprint reads /proc).
// BENCH_ROUNDS (default 3) rounds; BENCH_SENDS scales the send counts (default 1; 0.05 for a
// smoke run).

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { renderSvg } from './plot.mjs';
import { renderMarkdown } from './report.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const scale = Number(process.env.BENCH_SENDS ?? 1);
const counts = { 1: Math.max(50, Math.round(2_000 * scale)), 64: Math.max(500, Math.round(20_000 * scale)) };
const rssSends = Math.max(1_000, Math.round(100_000 * scale));
// The RSS run measures what an implementation keeps, so it leaves out two one-time ramps:
// pools and allocator arenas growing to their working size (a 20,000-send warm-up), and V8
// doubling its young generation once enough has survived scavenges, which happens at some
// point under any sustained load (the young generation is pinned at V8's default maximum,
// 16 MB semi-spaces, for both implementations).
const rssWarmup = Math.max(1_000, Math.round(20_000 * scale));
const rssNodeFlags = ['--min-semi-space-size=16', '--max-semi-space-size=16'];
const coldStarts = 7;
const footprintBurst = 1_000;
const footprintIdleSeconds = 15;
const work = path.join(here, '.work');
mkdirSync(work, { recursive: true });

const log = (text) => process.stderr.write(`${text}\n`);
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

log('Building the addon, the emulator and the Rust bench helpers (release)…');
execFileSync('node', ['scripts/ensure-built.mjs'], { cwd: root, stdio: 'inherit' });
execFileSync('cargo', ['build', '--release', '-p', 'tencent-sms-emulator', '-p', 'tencent-sms-core', '-p', 'tencent-sms-runtime', '--bins', '--examples'], {
  cwd: root,
  stdio: 'inherit',
});
const release = path.join(root, 'target', 'release');
const example = (name) => path.join(release, 'examples', name);

/** Starts an emulator; `url` resolves to the last word of the first line it prints. */
const startServer = (command, args) => {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.stdout.once('data', (chunk) => resolve(String(chunk).split('\n')[0].trim().split(/\s+/).at(-1)));
  });
  return { child, url };
};

const emulatorConfig = path.join(work, 'emulator.json');
writeFileSync(emulatorConfig, JSON.stringify({ frequencyLimitSeconds: 0 }));
// Two emulator processes: one serving plain HTTP, one HTTPS with a throwaway CA's certificate.
execFileSync(example('bench_pki'), [work]);
const emulator = path.join(release, 'tencent-sms-emulator');
const plain = startServer(emulator, ['--port', '0', '--config', emulatorConfig]);
const secure = startServer(emulator, [
  '--port',
  '0',
  '--config',
  emulatorConfig,
  '--tls-cert',
  path.join(work, 'cert.pem'),
  '--tls-key',
  path.join(work, 'key.pem'),
]);
const emulatorUrl = await plain.url;
// By name, as production is: each new connection resolves it, then checks the certificate.
const tlsUrl = (await secure.url).replace('https://127.0.0.1:', 'https://localhost:');

/**
 * How each client trusts the bench's throwaway CA, the way an operator trusts a private one:
 * ours and the raw client through `SSL_CERT_FILE` (a bundle of the system roots plus the CA,
 * since setting it replaces the system store), the official through `NODE_EXTRA_CA_CERTS`.
 */
const trustEnv = () => {
  const ca = readFileSync(path.join(work, 'ca.pem'), 'utf8');
  const system = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem'].find((file) => existsSync(file));
  const bundle = path.join(work, 'trust.pem');
  writeFileSync(bundle, `${system ? readFileSync(system, 'utf8') : ''}\n${ca}`);
  return { ...process.env, SSL_CERT_FILE: bundle, NODE_EXTRA_CA_CERTS: path.join(work, 'ca.pem') };
};
const env = trustEnv();
const transports = { tls: tlsUrl, http: emulatorUrl };

const json = (command, args) => JSON.parse(execFileSync(command, args, { cwd: root, encoding: 'utf8', env }).trim().split('\n').at(-1));
const sendRun = (name, url, concurrency, count, warmup = 1_000, nodeFlags = []) => {
  const result = json('node', ['--expose-gc', ...nodeFlags, path.join(here, 'send-child.mjs'), name, url, String(concurrency), String(count), String(warmup)]);
  if (result.failed) {
    throw new Error(`${name} c=${concurrency} ${url}: ${result.failed} sends failed (${result.firstError})`);
  }
  return result;
};

const rawRun = (mode, url, concurrency, count) => {
  const result = json(example('raw_limit'), [url, String(concurrency), String(count), mode]);
  if (result.ok !== count) {
    throw new Error(`raw client (${mode}) c=${concurrency} ${url}: ${count - result.ok} sends failed`);
  }
  return result;
};

/** The guard's decision cost per send: in-process, and against a loopback redis-server when installed. */
const guardCost = async () => {
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    return json(example('guard_cost'), ['20000']);
  }
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve) => redis.stdout.on('data', (chunk) => String(chunk).includes('Ready to accept connections') && resolve()));
  try {
    return json(example('guard_cost'), ['20000', `redis://127.0.0.1:${port}/0`]);
  } finally {
    redis.kill('SIGKILL');
  }
};

/** Puts the latest tables into docs/performance.md, between its `bench:results` markers. */
const showInPerformance = (markdown) => {
  const document = path.join(root, 'docs', 'performance.md');
  const [open, close] = ['<!-- bench:results -->', '<!-- /bench:results -->'];
  const text = readFileSync(document, 'utf8');
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start < 0 || end < start) {
    throw new Error(`docs/performance.md has no ${open} … ${close} block`);
  }
  writeFileSync(document, `${text.slice(0, start + open.length)}\n${markdown}${text.slice(end)}`);
};

const implementations = ['official', 'ours'];
const clients = [...implementations, 'limit', 'parked'];

try {
  const runs = Object.fromEntries(Object.keys(transports).map((t) => [t, Object.fromEntries(clients.map((c) => [c, { 1: [], 64: [] }]))]));
  for (let round = 1; round <= rounds; round += 1) {
    for (const [transport, url] of Object.entries(transports)) {
      for (const concurrency of [1, 64]) {
        const count = counts[concurrency];
        log(`round ${round}/${rounds}, ${transport}, concurrency ${concurrency}: ${count} sends each`);
        for (const name of implementations) {
          runs[transport][name][concurrency].push(sendRun(name, url, concurrency, count));
        }
        runs[transport].limit[concurrency].push(rawRun('tasks', url, concurrency, count));
        runs[transport].parked[concurrency].push(rawRun('parking', url, concurrency, count));
      }
    }
  }

  log(`RSS over ${rssSends} sends (TLS) at concurrency 64, after ${rssWarmup} warm-up sends, young generation pinned…`);
  const rss = {};
  for (const name of implementations) {
    rss[name] = sendRun(name, tlsUrl, 64, rssSends, rssWarmup, rssNodeFlags);
  }

  log(`cold starts (TLS): ${coldStarts} fresh processes each, alternating…`);
  const cold = { official: [], ours: [] };
  for (let i = 0; i < coldStarts; i += 1) {
    for (const name of implementations) {
      cold[name].push(json('node', [path.join(here, 'cold-child.mjs'), name, tlsUrl]));
    }
  }

  log(`footprint (TLS): ${footprintBurst} sends at c=64, then ${footprintIdleSeconds} s idle…`);
  const footprint = {};
  for (const name of implementations) {
    footprint[name] = json('node', ['--expose-gc', path.join(here, 'footprint-child.mjs'), name, tlsUrl, String(footprintBurst), String(footprintIdleSeconds)]);
  }

  log('signing cost, .node size, guard cost…');
  const guardUs = await guardCost();
  const signNs = {
    ours: json(example('sign_cost'), ['200000']).signNs,
    official: json('node', [path.join(here, 'sign-official.mjs'), '200000']).signNs,
  };
  // This machine's addon: lib/ may also hold the other targets' (npm run build:linux).
  const { abiOf, fileNameOf, isMusl } = createRequire(import.meta.url)('../lib/platform.cjs');
  const addon = fileNameOf(abiOf({ platform: process.platform, arch: process.arch, musl: process.platform === 'linux' && isMusl() }));
  const nodeSizeMb = statSync(path.join(root, 'lib', addon)).size / 1_000_000;

  const summary = {};
  for (const transport of Object.keys(transports)) {
    const m = (name, concurrency, key) => median(runs[transport][name][concurrency].map((r) => r[key]));
    summary[transport] = {};
    for (const name of implementations) {
      summary[transport][name] = {
        c1: m(name, 1, 'sendsPerSecond'),
        c64: m(name, 64, 'sendsPerSecond'),
        p50c1: m(name, 1, 'p50Us'),
        p99c1: m(name, 1, 'p99Us'),
        p50c64: m(name, 64, 'p50Us'),
        p99c64: m(name, 64, 'p99Us'),
        elu: m(name, 64, 'eventLoopUsPerSend'),
        cpu: m(name, 64, 'cpuUsPerSend'),
      };
    }
    for (const name of ['limit', 'parked']) {
      summary[transport][name] = { c1: m(name, 1, 'sendsPerSecond'), c64: m(name, 64, 'sendsPerSecond') };
    }
  }
  for (const name of implementations) {
    const coldMedian = (key) => median(cold[name].map((r) => r[key]));
    summary[name] = {
      rssStart: rss[name].rssStartMb,
      rssEnd: rss[name].rssEndMb,
      heapStart: rss[name].heapStartMb,
      heapEnd: rss[name].heapEndMb,
      importMs: coldMedian('importMs'),
      firstSendMs: coldMedian('firstSendMs'),
      secondSendMs: coldMedian('secondSendMs'),
      footprint: footprint[name],
      signNs: signNs[name],
    };
  }
  summary.ours.nodeSizeMb = nodeSizeMb;
  summary.ours.guardUs = guardUs;

  const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.arch()}, Node ${process.version}`;
  const setup = { date: new Date().toISOString().slice(0, 10), machine, rounds, counts, rssSends, rssWarmup, coldStarts, footprintBurst, footprintIdleSeconds };
  const markdown = renderMarkdown(summary, setup);
  writeFileSync(path.join(here, 'results.md'), markdown);
  writeFileSync(path.join(here, 'results.json'), `${JSON.stringify({ ...setup, summary, runs, cold }, null, 2)}\n`);
  writeFileSync(path.join(here, 'results.svg'), renderSvg(summary, machine));
  showInPerformance(markdown);
  console.log(markdown);
} finally {
  secure.child.kill('SIGTERM');
  plain.child.kill('SIGTERM');
}
