// The Docker Compose topology without Docker: two network namespaces this test makes itself,
// joined by a veth pair. The emulator listens on its namespace's address (--listen-on-network);
// the connector reaches it by the name `sms-emulator` from the other namespace, as Logto's
// container reaches the emulator's service. Plain HTTP to that name is refused until Logto's
// environment names it (TENCENT_SMS_ALLOW_HTTP_HOSTS), and the inbox needs the access token
// off loopback. Chromium logs in on the page and sees the code (UPDATE_SCREENSHOTS=1 saves
// docs/compose-inbox.png). Skips, saying why, where the machine cannot make namespaces.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const app = path.join(here, 'fixtures', 'network-app.mjs');
const emulatorBin = path.join(root, 'emulator', 'bin', 'tencent-sms-emulator.js');
const TOKEN = 'compose-topology-token-2026';

const id = process.pid % 100_000;
const emuNs = `tsms-emu-${id}`;
const appNs = `tsms-app-${id}`;
const [emuIf, appIf] = [`tse${id}`, `tsa${id}`];
const [emuAddress, appAddress] = ['10.231.7.1', '10.231.7.2'];
const hostsDir = `/etc/netns/${appNs}`;

const ip = (...args) => spawnSync('ip', args, { encoding: 'utf8' });

/** Makes the two namespaces; the reason it could not, or undefined. */
const makeNamespaces = () => {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    return 'needs Linux and root to make network namespaces';
  }
  const steps = [
    ['netns', 'add', emuNs],
    ['netns', 'add', appNs],
    ['link', 'add', emuIf, 'type', 'veth', 'peer', 'name', appIf],
    ['link', 'set', emuIf, 'netns', emuNs],
    ['link', 'set', appIf, 'netns', appNs],
    ['-n', emuNs, 'addr', 'add', `${emuAddress}/30`, 'dev', emuIf],
    ['-n', appNs, 'addr', 'add', `${appAddress}/30`, 'dev', appIf],
    ['-n', emuNs, 'link', 'set', emuIf, 'up'],
    ['-n', appNs, 'link', 'set', appIf, 'up'],
    ['-n', emuNs, 'link', 'set', 'lo', 'up'],
    ['-n', appNs, 'link', 'set', 'lo', 'up'],
  ];
  for (const step of steps) {
    const { status, stderr, error } = ip(...step);
    if (status !== 0) {
      return `cannot make network namespaces here (ip ${step.join(' ')}: ${error?.message ?? stderr.trim()})`;
    }
  }
  // `ip netns exec` mounts this over /etc/hosts: the emulator's service name, as Compose's DNS gives it.
  mkdirSync(hostsDir, { recursive: true });
  writeFileSync(path.join(hostsDir, 'hosts'), `127.0.0.1 localhost\n${emuAddress} sms-emulator\n`);
  return undefined;
};

const removeNamespaces = () => {
  ip('netns', 'del', emuNs);
  ip('netns', 'del', appNs);
  rmSync(hostsDir, { recursive: true, force: true });
};

/** `node args` in the app namespace, with `env` added; its JSON line. */
const inApp = (args, env = {}) => {
  const { status, stdout, stderr } = spawnSync('ip', ['netns', 'exec', appNs, process.execPath, app, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ...env },
  });
  assert.equal(status, 0, stderr);
  return JSON.parse(stdout.trim().split('\n').at(-1));
};

const skip = makeNamespaces();
let emulator;

describe('the emulator beside Logto, in two network namespaces', { skip }, () => {
  before(async () => {
    emulator = spawn('ip', ['netns', 'exec', emuNs, process.execPath, emulatorBin, '--listen-on-network', '--host', emuAddress, '--port', '9000'], {
      env: { ...process.env, TENCENT_SMS_EMULATOR_TOKEN: TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let said = '';
    await new Promise((resolve, reject) => {
      emulator.stdout.on('data', (chunk) => {
        said += chunk;
        if (said.includes('listening on')) {
          resolve();
        }
      });
      emulator.stderr.on('data', (chunk) => (said += chunk));
      emulator.on('exit', () => reject(new Error(`the emulator exited: ${said}`)));
    });
  });

  after(async () => {
    if (emulator && emulator.exitCode === null) {
      const exited = new Promise((resolve) => emulator.once('exit', resolve));
      emulator.kill('SIGTERM');
      await exited;
    }
  });

  test("plain HTTP to sms-emulator is refused until Logto's environment allows it, then the code is delivered", () => {
    const refused = inApp(['send']);
    assert.equal(refused.code, 'invalid_config', JSON.stringify(refused));
    assert.match(JSON.stringify(refused.data), /TENCENT_SMS_ALLOW_HTTP_HOSTS=sms-emulator/);
    const sent = inApp(['send'], { TENCENT_SMS_ALLOW_HTTP_HOSTS: 'sms-emulator' });
    assert.deepEqual(sent, { sent: '+8613711112222' });
  });

  test('off loopback the inbox needs the access token', () => {
    const { without, with: withToken, contents } = inApp(['inbox', TOKEN]);
    assert.equal(without, 401);
    assert.equal(withToken, 200);
    assert.ok(
      contents.some((content) => content.includes('271828')),
      JSON.stringify(contents),
    );
  });

  test('in a browser the page asks for the token once and then shows the code', {
    skip: !existsSync('/usr/bin/chromium') && 'no Chromium (run scripts/install-test-tools.sh as root)',
  }, () => {
    const screenshot =
      process.env.UPDATE_SCREENSHOTS === '1'
        ? path.join(root, 'docs', 'compose-inbox.png')
        : path.join(mkdtempSync(path.join(os.tmpdir(), 'compose-shot-')), 'compose-inbox.png');
    assert.deepEqual(inApp(['browser', TOKEN, screenshot]), { shown: true });
    assert.ok(statSync(screenshot).size > 10_000, 'a real screenshot');
  });
});

after(removeNamespaces);
