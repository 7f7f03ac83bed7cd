// Thousands of concurrent sends complete with bounded memory and file descriptors, and Node
// exits promptly after the last one (nothing the addon holds keeps the process alive).

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'node:test';

import { startEmulator } from 'tencent-sms-emulator';

import createConnector from '../lib/index.js';
import { SECRET_MARKER, runNode } from './helpers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const child = path.join(here, 'fixtures', 'load-child.mjs');
const quietChild = path.join(here, 'fixtures', 'quiet-child.mjs');
const lib = (file) => pathToFileURL(path.join(here, '..', 'lib', file)).href;

const run = (total, concurrency) => runNode(['--expose-gc', child, String(total), String(concurrency)], 120_000);

test('10 000 sends at concurrency 1 000 after warm-up: all settle, RSS stays flat, fds come back, Node exits promptly', {
  skip: !existsSync('/proc/self/fd') && 'needs /proc',
}, async () => {
  const { code, signal, stdout, stderr, exitedAt } = await run(10_000, 1_000);
  assert.equal(signal, null, `killed: ${stderr}`);
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout.trim().split('\n').at(-1));
  assert.equal(report.ok, 10_000, `${report.failed} sends failed`);
  assert.equal(report.reached, 10_000, 'each send was one request');
  assert.equal(report.inbox, 1_000, "the emulator's inbox keeps the newest 1 000");
  const rssGrowthMb = (report.end.rss - report.start.rss) / 1024 / 1024;
  assert.ok(rssGrowthMb < 20, `RSS grew by ${rssGrowthMb.toFixed(1)} MB`);
  assert.ok(report.end.fds - report.start.fds < 40, `fds ${report.start.fds} → ${report.end.fds}`);
  assert.ok(exitedAt - report.doneAt < 2_000, `exited ${exitedAt - report.doneAt} ms after the last send`);
  assert.ok(!`${stdout}${stderr}`.includes(SECRET_MARKER), 'nothing printed the secret');
  assert.equal(stderr, '', 'the addon logs nothing');
});

test('a burst of 10 000 concurrent sends against a Tencent that answers in 100 ms: every one is sent, each within the deadline', async () => {
  // 600 in flight at 100 ms is 6 000 sends/s, far above what the 12 s deadline needs here; 64
  // in flight had capped the burst at 640/s, and 30 % ran out of time.
  const emulator = await startEmulator({ frequencyLimitSeconds: 0 });
  try {
    const total = 10_000;
    emulator.injectFault({ kind: 'delay', ms: 100, count: total });
    const connector = await createConnector({ getConfig: async () => emulator.connectorConfig() });
    const started = Date.now();
    const outcomes = await Promise.all(
      Array.from({ length: total }, (_, index) =>
        connector.sendMessage({ to: `86138${String(index).padStart(8, '0')}`, type: 'SignIn', payload: { code: '1' } }).then(
          () => undefined,
          (error) => error.data?.errorDescription ?? error.message,
        ),
      ),
    );
    const failures = outcomes.filter(Boolean);
    assert.deepEqual(failures.slice(0, 3), [], `${failures.length} of ${total} not sent`);
    assert.equal(emulator.apiRequests(), total, 'each send was one request');
    assert.ok(Date.now() - started < 12_000, `the burst took ${Date.now() - started} ms`);
  } finally {
    await emulator.close();
  }
});

test('after a burst the connector goes quiet: 12 s later it holds no more threads or fds than when loaded', {
  skip: !existsSync('/proc/self/status') && 'needs /proc',
}, async () => {
  // Idle connections close 5-10 s after their last use and DNS lookup threads 2 s after theirs.
  const emulator = await startEmulator({ frequencyLimitSeconds: 0 });
  try {
    const config = emulator.connectorConfig();
    const byName = { ...config, endpoint: config.endpoint.replace('127.0.0.1', 'localhost') };
    const { code, stdout, stderr } = await runNode([quietChild, JSON.stringify(byName), '12'], 60_000);
    assert.equal(code, 0, stderr);
    const { failed, loaded, afterBurst, afterIdle } = JSON.parse(stdout.trim().split('\n').at(-1));
    assert.equal(failed, 0);
    assert.ok(afterBurst.fds >= loaded.fds + 32, `the burst opened connections: fds ${loaded.fds} → ${afterBurst.fds}`);
    assert.ok(afterIdle.fds <= loaded.fds, `fds: ${loaded.fds} loaded, ${afterBurst.fds} after the burst, ${afterIdle.fds} 12 s later`);
    assert.ok(afterIdle.threads <= loaded.threads, `threads: ${loaded.threads} loaded, ${afterBurst.threads} after the burst, ${afterIdle.threads} 12 s later`);
  } finally {
    await emulator.close();
  }
});

test('a send in flight keeps Node alive until it settles, and nothing does after it', async () => {
  // Nothing but the send holds the process: the emulator is unref'd and the send not awaited.
  const script = `
    import createConnector from '${lib('index.js')}';
    import { startEmulator } from 'tencent-sms-emulator';
    const emulator = await startEmulator({ frequencyLimitSeconds: 0 });
    emulator.unref();
    emulator.injectFault({ kind: 'delay', ms: 300 });
    const config = emulator.connectorConfig();
    const connector = await createConnector({ getConfig: async () => config });
    connector.sendMessage({ to: '8613711112222', type: 'SignIn', payload: { code: '1' } })
      .then((result) => console.log('settled', result.fee, Date.now()));
  `;
  const { code, signal, stdout, stderr, exitedAt } = await runNode(['--input-type=module', '-e', script], 20_000);
  assert.equal(signal, null, `killed: ${stderr}`);
  assert.equal(code, 0, stderr);
  const [word, fee, settledAt] = stdout.trim().split(' ');
  assert.deepEqual([word, fee], ['settled', '1'], `the send did not settle before exit: ${stdout}${stderr}`);
  assert.ok(exitedAt - Number(settledAt) < 2_000, `exited ${exitedAt - Number(settledAt)} ms after the send`);
});
