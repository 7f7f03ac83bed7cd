// The emulator's command: the npm package's `tencent-sms-emulator` and the container's Rust binary
// are one command (the emulator crate's `cli`), with the same flags, help and exit codes.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { runNode } from './helpers.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const npmCommand = path.join(root, 'emulator', 'bin', 'tencent-sms-emulator.js');

/** The Rust binary `cargo test --workspace` built (built here when this file runs alone). */
const rustBinary = () => {
  const built = ['debug', 'release'].map((profile) => path.join(root, 'target', profile, 'tencent-sms-emulator')).find(existsSync);
  if (built) {
    return built;
  }
  execFileSync('cargo', ['build', '--quiet', '-p', 'tencent-sms-emulator', '--bin', 'tencent-sms-emulator'], { cwd: root, stdio: 'inherit' });
  return path.join(root, 'target', 'debug', 'tencent-sms-emulator');
};

test('both shipments print the same help', async () => {
  const npm = await runNode([npmCommand, '--help'], 10_000);
  assert.equal(npm.code, 0);
  const rust = execFileSync(rustBinary(), ['--help'], { encoding: 'utf8' });
  assert.equal(npm.stdout, rust);
  assert.match(npm.stdout, /--check-health/);
});

test('bad usage exits 2 with the problem and the usage (the rest of usage: cli.test.mjs)', async () => {
  const unknown = await runNode([npmCommand, '--bogus'], 10_000);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown argument `--bogus`/);
  assert.match(unknown.stderr, /usage: tencent-sms-emulator/);
});

test('it runs, answers its own health check and stops on SIGTERM', async () => {
  const proc = spawn(process.execPath, [npmCommand, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
  try {
    let output = '';
    const url = await new Promise((resolve, reject) => {
      proc.stdout.on('data', (chunk) => {
        output += chunk;
        const found = output.match(/listening on (http:\/\/127\.0\.0\.1:(\d+))\n/);
        if (found && output.includes('inbox:')) resolve(found[1]);
      });
      proc.on('exit', () => reject(new Error(`exited early: ${output}`)));
    });
    assert.match(output, /SecretId AKIDLogtoEmulatorDemo, SdkAppId 1400000000; inbox: http:\/\/127\.0\.0\.1:\d+\/_emulator\/messages/);
    const port = new URL(url).port;
    const healthy = await runNode([npmCommand, '--check-health', '--port', port], 10_000);
    assert.equal(healthy.code, 0, healthy.stderr);
    assert.deepEqual(await (await fetch(`${url}/_emulator/messages`)).json(), []);
  } finally {
    proc.kill('SIGTERM');
  }
  assert.equal(await exited, 0);
  const gone = await runNode([npmCommand, '--check-health', '--port', '1'], 10_000);
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /no emulator on port 1/);
});
