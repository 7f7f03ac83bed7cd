// The addon loader picks the shipped binary for every supported target (faked platforms),
// and fails with a message naming the platform when none fits.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';

const require = createRequire(import.meta.url);
const { TARGETS, abiOf, isMusl } = require('../lib/platform.cjs');
const { loadNative } = require('../lib/native.cjs');

const machines = [
  [{ platform: 'linux', arch: 'x64', musl: false }, 'linux-x64-gnu', 'x86_64-unknown-linux-gnu'],
  [{ platform: 'linux', arch: 'x64', musl: true }, 'linux-x64-musl', 'x86_64-unknown-linux-musl'],
  [{ platform: 'linux', arch: 'arm64', musl: false }, 'linux-arm64-gnu', 'aarch64-unknown-linux-gnu'],
  [{ platform: 'linux', arch: 'arm64', musl: true }, 'linux-arm64-musl', 'aarch64-unknown-linux-musl'],
  [{ platform: 'darwin', arch: 'arm64', musl: false }, 'darwin-arm64', 'aarch64-apple-darwin'],
  [{ platform: 'darwin', arch: 'x64', musl: false }, 'darwin-x64', 'x86_64-apple-darwin'],
];

test('each supported target loads its own file', () => {
  assert.equal(Object.keys(TARGETS).length, machines.length);
  for (const [machine, abi, triple] of machines) {
    assert.equal(abiOf(machine), abi);
    assert.equal(TARGETS[abi], triple);
    let loaded;
    const binding = loadNative({ ...machine, directory: '/pkg/lib', exists: () => true, load: (file) => (loaded = file), override: undefined });
    assert.equal(binding, `/pkg/lib/connector-tencent-sms-rs.${abi}.node`);
    assert.equal(loaded, binding);
  }
});

test('an unsupported platform fails with a message naming it', () => {
  for (const machine of [
    { platform: 'win32', arch: 'x64' },
    { platform: 'linux', arch: 'ia32', musl: false },
    { platform: 'freebsd', arch: 'x64' },
  ]) {
    assert.throws(
      () => loadNative({ ...machine, exists: () => true, load: () => assert.fail('nothing may load'), override: undefined }),
      (error) => error.message.includes(`${machine.platform}-${machine.arch}`) && error.message.includes('Supported: linux-x64-gnu'),
    );
  }
});

test('a supported platform whose binary is not in the package says which file is missing', () => {
  assert.throws(
    () => loadNative({ platform: 'linux', arch: 'arm64', musl: true, directory: '/nonexistent', exists: () => false, override: undefined }),
    /linux-arm64 \(musl\).*connector-tencent-sms-rs\.linux-arm64-musl\.node.*aarch64-unknown-linux-musl/,
  );
});

test('NAPI_RS_NATIVE_LIBRARY_PATH overrides the file', () => {
  assert.equal(loadNative({ override: '/custom/addon.node', load: (file) => file }), '/custom/addon.node');
});

test('musl is told from glibc by the runtime report, then by ldd', () => {
  assert.equal(isMusl({ header: { glibcVersionRuntime: '2.36' } }), false);
  assert.equal(isMusl({ header: {} }), true);
  assert.equal(
    isMusl(null, () => 'musl libc (x86_64)'),
    true,
  );
  assert.equal(
    isMusl(null, () => 'ldd (Debian GLIBC 2.36-9) 2.36'),
    false,
  );
  assert.equal(
    isMusl(null, () => {
      throw new Error('no ldd');
    }),
    false,
  );
});

test('on this machine the real binary loads', () => {
  const binding = loadNative();
  assert.equal(typeof binding.Dispatcher, 'function');
});

test('the addon Logto loads holds no emulator: no routes, no demo credentials, no binding', () => {
  const native = require('../lib/native.cjs');
  assert.deepEqual(
    Object.keys(native).filter((name) => /emulator/i.test(name)),
    [],
  );
  const lib = new URL('../lib/', import.meta.url);
  const addons = readdirSync(lib).filter((file) => file.endsWith('.node'));
  assert.ok(addons.length > 0, 'an addon is built');
  for (const file of addons) {
    const bytes = readFileSync(new URL(file, lib));
    for (const marker of ['/_emulator/', 'AKIDLogtoEmulatorDemo', 'logto-emulator-demo-secret']) {
      assert.equal(bytes.indexOf(marker), -1, `${file} contains ${marker}`);
    }
  }
});
