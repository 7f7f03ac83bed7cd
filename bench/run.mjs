// `npm run bench`: our connector vs the official 1.4.4 vs the raw limit, against one emulator
// process on loopback, in one run. Writes bench/results.{md,json,svg}.
// BENCH_ROUNDS (default 3) rounds; BENCH_SENDS scales the send counts (default 1; 0.05 for a smoke run).

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { renderSvg } from './plot.mjs';

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
const work = path.join(here, '.work');
mkdirSync(work, { recursive: true });

const log = (text) => process.stderr.write(`${text}\n`);
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const json = (command, args) => JSON.parse(execFileSync(command, args, { cwd: root, encoding: 'utf8' }).trim().split('\n').at(-1));

log('Building the addon, the emulator and the Rust bench helpers (release)…');
execFileSync('node', ['scripts/ensure-built.mjs'], { cwd: root, stdio: 'inherit' });
execFileSync('cargo', ['build', '--release', '-p', 'tencent-sms-emulator', '-p', 'tencent-sms-core', '--bins', '--examples'], { cwd: root, stdio: 'inherit' });
const release = path.join(root, 'target', 'release');

const emulatorConfig = path.join(work, 'emulator.json');
// The longest idle timeout: this process blocks while each child runs, so its pooled
// connection to the emulator idles that long and must still be open for the next inbox reset.
writeFileSync(emulatorConfig, JSON.stringify({ frequencyLimitSeconds: 0, readTimeoutMs: 600_000 }));
const emulator = spawn(path.join(release, 'tencent-sms-emulator'), ['--port', '0', '--config', emulatorConfig], { stdio: ['ignore', 'pipe', 'inherit'] });
const emulatorUrl = await new Promise((resolve, reject) => {
  emulator.on('error', reject);
  emulator.stdout.once('data', (chunk) => resolve(String(chunk).trim().split(' ').at(-1)));
});
/**
 * The guard's decision cost per send: in-process, and against a redis-server on loopback when
 * one is installed (scripts/install-test-tools.sh).
 */
const guardCost = async () => {
  const example = path.join(release, 'examples', 'guard_cost');
  const hasRedis = spawnSync('redis-server', ['--version']).status === 0;
  if (!hasRedis) {
    return json(example, ['20000']);
  }
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve) => redis.stdout.on('data', (chunk) => String(chunk).includes('Ready to accept connections') && resolve()));
  try {
    return json(example, ['20000', `redis://127.0.0.1:${port}/0`]);
  } finally {
    redis.kill('SIGKILL');
  }
};

const clearInbox = () => fetch(`${emulatorUrl}/_emulator/messages`, { method: 'DELETE' });

const sendRun = async (name, concurrency, count, warmup = 1_000, nodeFlags = []) => {
  await clearInbox();
  const result = json('node', ['--expose-gc', ...nodeFlags, path.join(here, 'send-child.mjs'), name, emulatorUrl, String(concurrency), String(count), String(warmup)]);
  if (result.failed) {
    throw new Error(`${name} c=${concurrency}: ${result.failed} sends failed (${result.firstError})`);
  }
  return result;
};

try {
  const runs = { official: { 1: [], 64: [] }, ours: { 1: [], 64: [] }, limit: { 1: [], 64: [] } };
  for (let round = 1; round <= rounds; round += 1) {
    for (const concurrency of [1, 64]) {
      for (const name of ['official', 'ours']) {
        log(`round ${round}/${rounds}: ${name}, concurrency ${concurrency}, ${counts[concurrency]} sends`);
        runs[name][concurrency].push(await sendRun(name, concurrency, counts[concurrency]));
      }
      await clearInbox();
      runs.limit[concurrency].push(json(path.join(release, 'examples', 'raw_limit'), [emulatorUrl, String(concurrency), String(counts[concurrency])]));
    }
  }

  log(`RSS over ${rssSends} sends at concurrency 64, after ${rssWarmup} warm-up sends, young generation pinned…`);
  const rss = {};
  for (const name of ['official', 'ours']) {
    rss[name] = await sendRun(name, 64, rssSends, rssWarmup, rssNodeFlags);
  }

  log('import time, signing cost, .node size…');
  const importMs = {};
  for (const name of ['official', 'ours']) {
    importMs[name] = median(Array.from({ length: 5 }, () => json('node', [path.join(here, 'import-child.mjs'), name]).importMs));
  }
  const guardUs = await guardCost();
  const signNs = {
    ours: json(path.join(release, 'examples', 'sign_cost'), ['200000']).signNs,
    official: json('node', [path.join(here, 'sign-official.mjs'), '200000']).signNs,
  };
  // This machine's addon: lib/ may also hold the other targets' (npm run build:linux).
  const { abiOf, fileNameOf, isMusl } = createRequire(import.meta.url)('../lib/platform.cjs');
  const addon = fileNameOf(abiOf({ platform: process.platform, arch: process.arch, musl: process.platform === 'linux' && isMusl() }));
  const nodeSizeMb = statSync(path.join(root, 'lib', addon)).size / 1_048_576;

  const m = (name, concurrency, key) => median(runs[name][concurrency].map((r) => r[key]));
  const summary = {};
  for (const name of ['official', 'ours']) {
    summary[name] = {
      c1: m(name, 1, 'sendsPerSecond'), c64: m(name, 64, 'sendsPerSecond'),
      p50c1: m(name, 1, 'p50Us'), p99c1: m(name, 1, 'p99Us'),
      p50c64: m(name, 64, 'p50Us'), p99c64: m(name, 64, 'p99Us'),
      elu: m(name, 64, 'eventLoopUsPerSend'), cpu: m(name, 64, 'cpuUsPerSend'),
      rssStart: rss[name].rssStartMb, rssEnd: rss[name].rssEndMb,
      heapStart: rss[name].heapStartMb, heapEnd: rss[name].heapEndMb,
      importMs: importMs[name], signNs: signNs[name],
    };
  }
  summary.limit = { c1: m('limit', 1, 'sendsPerSecond'), c64: m('limit', 64, 'sendsPerSecond') };

  const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.arch()}, Node ${process.version}`;
  const { ours, official, limit } = summary;
  const fmt = (value, digits = 0) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const ratio = (a, b) => `${fmt(a / b, 2)}×`;
  const guardRow = guardUs.redisUs === null
    ? `${fmt(guardUs.inProcessUs, 1)} in-process (no redis-server here)`
    : `${fmt(guardUs.inProcessUs, 1)} in-process / ${fmt(guardUs.redisUs, 0)} with Redis`;
  const rows = [
    ['sends/s, concurrency 1', fmt(official.c1), fmt(ours.c1), fmt(limit.c1), ratio(ours.c1, official.c1), `${fmt((100 * ours.c1) / limit.c1)} %`],
    ['sends/s, concurrency 64', fmt(official.c64), fmt(ours.c64), fmt(limit.c64), ratio(ours.c64, official.c64), `${fmt((100 * ours.c64) / limit.c64)} %`],
    ['p50 / p99 latency, c=1 (µs)', `${fmt(official.p50c1)} / ${fmt(official.p99c1)}`, `${fmt(ours.p50c1)} / ${fmt(ours.p99c1)}`, '', ratio(ours.p50c1, official.p50c1), ''],
    ['p50 / p99 latency, c=64 (µs)', `${fmt(official.p50c64)} / ${fmt(official.p99c64)}`, `${fmt(ours.p50c64)} / ${fmt(ours.p99c64)}`, '', ratio(ours.p50c64, official.p50c64), ''],
    ['event-loop busy time per send, c=64 (µs)', fmt(official.elu, 1), fmt(ours.elu, 1), '', ratio(ours.elu, official.elu), ''],
    ['whole-process CPU per send, c=64 (µs)', fmt(official.cpu, 1), fmt(ours.cpu, 1), '', ratio(ours.cpu, official.cpu), ''],
    [`RSS before → after ${fmt(rssSends)} sends (MB; ${fmt(rssWarmup)}-send warm-up, V8 young generation pinned)`, `${fmt(official.rssStart, 1)} → ${fmt(official.rssEnd, 1)}`, `${fmt(ours.rssStart, 1)} → ${fmt(ours.rssEnd, 1)}`, '', '', ''],
    ['live JS heap after GC, same run (MB)', `${fmt(official.heapStart, 1)} → ${fmt(official.heapEnd, 1)}`, `${fmt(ours.heapStart, 1)} → ${fmt(ours.heapEnd, 1)}`, '', '', ''],
    ['signing cost per request (µs)', fmt(official.signNs / 1_000, 2), fmt(ours.signNs / 1_000, 2), '', ratio(ours.signNs, official.signNs), ''],
    ['`import` of lib/index.js (ms)', fmt(official.importMs, 1), fmt(ours.importMs, 1), '', ratio(ours.importMs, official.importMs), ''],
    ['`.node` size (MB)', '–', fmt(nodeSizeMb, 1), '', '', ''],
    ['SMS guard decision per send, every rule on (µs; the official has no guard)', '–', guardRow, '', '', ''],
  ];
  const targets = [
    ['≥ 5× the official sends/s at c=64', ours.c64 / official.c64 >= 5, ratio(ours.c64, official.c64)],
    ['≤ 1/10 of its event-loop time per send', ours.elu / official.elu <= 0.1, ratio(ours.elu, official.elu)],
    ['≥ 50 % of the raw limit at c=64', ours.c64 / limit.c64 >= 0.5, `${fmt((100 * ours.c64) / limit.c64)} %`],
    [`flat RSS over ${fmt(rssSends)} sends`, ours.rssEnd - ours.rssStart < 20, `${fmt(ours.rssEnd - ours.rssStart, 1)} MB`],
  ];
  const markdown = [
    `Benchmark: ${new Date().toISOString().slice(0, 10)}, ${machine}. Medians of ${rounds} rounds; each implementation in its own`,
    `process against one emulator process on loopback (${counts[1]} sends at c=1, ${counts[64]} at c=64 per round).`,
    '',
    '| metric | official 1.4.4 | ours | raw limit | ours / official | ours / limit |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
    '| target | met | measured |',
    '|---|---|---|',
    ...targets.map(([target, met, measured]) => `| ${target} | ${met ? 'yes' : '**no**'} | ${measured} |`),
    '',
  ].join('\n');
  writeFileSync(path.join(here, 'results.md'), markdown);
  writeFileSync(path.join(here, 'results.json'), `${JSON.stringify({ machine, rounds, counts, rssSends, summary, runs }, null, 2)}\n`);
  writeFileSync(path.join(here, 'results.svg'), renderSvg(summary, machine));
  console.log(markdown);
} finally {
  emulator.kill('SIGTERM');
}
