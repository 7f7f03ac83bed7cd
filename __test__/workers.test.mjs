// A native addon must never take its host down, however the host's threads load it. Logto may
// load connectors in worker threads; the first thread to load the addon may exit before the
// next one loads it. Each scenario runs in a fresh Node whose main thread loads the addon only in `orphaned`.

import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import { runNode, startTestEmulator } from './helpers.mjs';

const host = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'worker-host.mjs');

let emulator;
before(async () => {
  emulator = await startTestEmulator();
});
after(() => emulator.close());

const expectations = {
  sequential: [
    ['loaded', 'sent'],
    ['loaded', 'sent'],
    ['loaded', 'sent'],
  ],
  parallel: [
    ['loaded', 'sent'],
    ['loaded', 'sent'],
    ['loaded', 'sent'],
  ],
  terminated: [['loaded'], ['loaded', 'sent']],
  // The terminated worker's sends to a hung server end with it, and free the in-flight slots.
  orphaned: [['loaded'], ['sent']],
};

for (const [scenario, expected] of Object.entries(expectations)) {
  test(`${scenario} worker threads load the addon and send, and the host survives`, async () => {
    const { code, signal, stdout, stderr } = await runNode([host, scenario, JSON.stringify(emulator.connectorConfig())], 30_000);
    assert.equal(signal, null, `the host died of ${signal}: ${stderr}`);
    assert.equal(code, 0, stderr);
    assert.deepEqual(JSON.parse(stdout.trim().split('\n').at(-1)), expected);
  });
}
