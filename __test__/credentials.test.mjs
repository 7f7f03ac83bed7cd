// Keys that never sit in Logto's database, through the real connector against the emulator:
// each `credentials.source` (environment, profile, the CVM role from a metadata service, the
// TKE OIDC role through STS, and the chain), temporary credentials that expire mid-run and are
// refreshed before use, a metadata service that dies after the first fetch (sends go on until
// the credentials expire, then fail with a clear error), 200 concurrent sends during a refresh
// asking the metadata service once, and no secret, token or web-identity token in any output.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import { SECRET_MARKER, startTestEmulator } from './helpers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const child = path.join(here, 'fixtures', 'credentials-child.mjs');
const cli = path.join(here, '..', 'bin', 'tencent-sms.js');
const WEB_IDENTITY_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.web-identity-token-of-the-pod';
const ROLE = 'logto-sms';

let emulator;
let dir;
before(async () => {
  emulator = await startTestEmulator({
    roles: [
      { name: ROLE, lifetimeSeconds: 7_200, webIdentityToken: WEB_IDENTITY_TOKEN },
      { name: 'short-lived', lifetimeSeconds: 3 },
    ],
  });
  dir = mkdtempSync(path.join(os.tmpdir(), 'tencent-credentials-'));
});
after(() => emulator.close());

/** The emulator's connector config with `credentials` instead of keys. */
const configWith = (credentials) => {
  const { accessKeyId: _id, accessKeySecret: _secret, ...rest } = emulator.connectorConfig();
  return { ...rest, credentials };
};

/** No credential source in the environment unless a test adds one. */
const cleanEnv = () => {
  const env = { ...process.env, TENCENTCLOUD_CREDENTIALS_FILE: path.join(dir, 'no-such-file') };
  for (const name of [
    'TENCENTCLOUD_SECRET_ID',
    'TENCENTCLOUD_SECRET_KEY',
    'TENCENTCLOUD_SESSION_TOKEN',
    'TKE_REGION',
    'TKE_PROVIDER_ID',
    'TKE_WEB_IDENTITY_TOKEN_FILE',
    'TKE_ROLE_ARN',
    'TENCENT_SMS_METADATA_URL',
    'TENCENT_SMS_STS_ENDPOINT',
  ]) {
    delete env[name];
  }
  return env;
};

const metadataUrl = (url = emulator.url) => `${url}/latest/meta-data/`;

/** Runs the child with `env` and `plan`; `onWaiting` runs when it waits for a line. */
const run = (config, plan, env, onWaiting = async () => {}) =>
  new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, JSON.stringify(config), JSON.stringify(plan)], {
      env: { ...cleanEnv(), ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stdout.on('data', (chunk) => {
      out += chunk;
      if (String(chunk).includes('waiting')) {
        onWaiting().then(() => proc.stdin.write('go\n'), reject);
      }
    });
    proc.stderr.on('data', (chunk) => (err += chunk));
    proc.on('exit', (code) => {
      if (code !== 0) {
        return reject(new Error(`child exited ${code}: ${err}`));
      }
      for (const secret of [SECRET_MARKER, WEB_IDENTITY_TOKEN, 'tmp-token-']) {
        assert.ok(!`${out}${err}`.includes(secret), `printed a secret or token: ${out}${err}`);
      }
      resolve(
        out
          .trim()
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line)),
      );
    });
  });

const demoKeys = { TENCENTCLOUD_SECRET_ID: 'AKIDLogtoEmulatorDemo', TENCENTCLOUD_SECRET_KEY: SECRET_MARKER };

test("environment: the keys come from Logto's environment, and their absence is a clear config error", async () => {
  const config = configWith({ source: 'environment' });
  const [sent, described] = await run(config, [{ send: 1 }, { describe: true }], demoKeys);
  assert.deepEqual(sent, { sent: 1, errors: [] });
  assert.deepEqual(described.reports, [{ site: 'main', source: 'environment', used: 'environment' }]);
  const [refused] = await run(config, [{ send: 1 }], {});
  assert.equal(refused.errors[0].code, 'invalid_config');
  assert.match(refused.errors[0].text, /credentials\.source environment gave no keys.*TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY/);
});

test('profile: the INI file named by TENCENTCLOUD_CREDENTIALS_FILE, in the section credentials.profile names', async () => {
  const file = path.join(dir, 'credentials');
  writeFileSync(file, `[default]\nsecret_id = AKIDnotThisOne\nsecret_key = nope\n\n[sms]\nsecret_id = AKIDLogtoEmulatorDemo\nsecret_key = ${SECRET_MARKER}\n`);
  const [sent] = await run(configWith({ source: 'profile', profile: 'sms' }), [{ send: 1 }], { TENCENTCLOUD_CREDENTIALS_FILE: file });
  assert.deepEqual(sent, { sent: 1, errors: [] });
  const [wrongSection] = await run(configWith({ source: 'profile' }), [{ send: 1 }], { TENCENTCLOUD_CREDENTIALS_FILE: file });
  assert.equal(wrongSection.errors[0].code, 'invalid_config', 'the default section holds a key Tencent does not know');
});

test('cvmRole with no keys in the config: 200 concurrent sends, one metadata request, then the cached credentials, for getUsage too', async () => {
  const before = emulator.credentialRequests();
  const steps = await run(configWith({ source: 'cvmRole' }), [{ send: 200 }, { send: 5 }, { usage: true }], { TENCENT_SMS_METADATA_URL: metadataUrl() });
  assert.deepEqual(
    steps.slice(0, 2).map((s) => [s.sent, s.errors.slice(0, 1)]),
    [
      [200, []],
      [5, []],
    ],
  );
  assert.ok(steps[2].usage >= 205, `getUsage signs with the same keys: ${JSON.stringify(steps[2])}`);
  assert.equal(emulator.credentialRequests() - before, 1, 'one metadata request for all of them');
});

test("oidcRole: TKE's web identity through STS AssumeRoleWithWebIdentity", async () => {
  const tokenFile = path.join(dir, 'web-identity-token');
  writeFileSync(tokenFile, WEB_IDENTITY_TOKEN);
  const tke = {
    TKE_REGION: 'ap-guangzhou',
    TKE_PROVIDER_ID: 'oidc-provider',
    TKE_WEB_IDENTITY_TOKEN_FILE: tokenFile,
    TKE_ROLE_ARN: `qcs::cam::uin/100000000001:roleName/${ROLE}`,
    TENCENT_SMS_STS_ENDPOINT: emulator.url,
  };
  const [sent] = await run(configWith({ source: 'oidcRole' }), [{ send: 3 }], tke);
  assert.deepEqual(sent, { sent: 3, errors: [] });
  writeFileSync(tokenFile, 'a token STS does not accept');
  const [refused] = await run(configWith({ source: 'oidcRole' }), [{ send: 1 }], tke);
  assert.equal(refused.errors[0].code, 'invalid_config');
  assert.match(refused.errors[0].text, /STS .* refused AssumeRoleWithWebIdentity .*InvalidParameter\.WebIdentityTokenError/);
});

test('chain: the first source that is configured wins, and says which', async () => {
  const config = configWith({ source: 'chain', roleName: ROLE });
  const [viaRole] = await run(config, [{ describe: true }], { TENCENT_SMS_METADATA_URL: metadataUrl() });
  assert.deepEqual(viaRole.reports, [{ site: 'main', source: 'chain', used: 'cvmRole' }]);
  const [viaEnvironment] = await run(config, [{ describe: true }], { ...demoKeys, TENCENT_SMS_METADATA_URL: metadataUrl() });
  assert.equal(viaEnvironment.reports[0].used, 'environment');
  const [nothing] = await run(config, [{ send: 1 }], { TENCENT_SMS_METADATA_URL: 'http://127.0.0.1:9/latest/meta-data/' });
  assert.equal(nothing.errors[0].code, 'invalid_config');
  assert.match(nothing.errors[0].text, /no source of the chain is configured.*environment: .*profile: .*cvmRole: .*oidcRole: /);
});

test('credentials that expire mid-run are refreshed before use', async () => {
  const before = emulator.credentialRequests();
  const config = configWith({ source: 'cvmRole', roleName: 'short-lived' });
  const steps = await run(config, [{ send: 1 }, { sleep: 3_200 }, { send: 1 }], { TENCENT_SMS_METADATA_URL: metadataUrl() });
  assert.deepEqual(
    steps.map((s) => s.errors),
    [[], []],
    'never AuthFailure.TokenFailure',
  );
  assert.equal(emulator.credentialRequests() - before, 2);
});

/** A TCP relay to the emulator that can be cut, standing in for a metadata service that dies. */
const relay = async () => {
  const sockets = new Set();
  const server = net.createServer((socket) => {
    const upstream = net.connect(emulator.port, '127.0.0.1');
    sockets.add(socket).add(upstream);
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => {});
    upstream.on('error', () => {});
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    cut: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(resolve);
      }),
  };
};

test('a metadata service that dies after the first fetch: sends go on until the credentials expire, then fail clearly and fast', async () => {
  const metadata = await relay();
  const config = configWith({ source: 'cvmRole', roleName: 'short-lived' });
  const plan = [{ send: 1 }, { wait: true }, { send: 2 }, { sleep: 3_200 }, { send: 1 }];
  const started = Date.now();
  const steps = await run(config, plan, { TENCENT_SMS_METADATA_URL: metadataUrl(metadata.url) }, metadata.cut);
  assert.deepEqual(
    steps.slice(0, 2).map((s) => [s.sent, s.errors]),
    [
      [1, []],
      [2, []],
    ],
    'the cached credentials keep working',
  );
  const [expired] = steps[2].errors;
  assert.equal(expired.code, 'invalid_config');
  assert.match(
    expired.text,
    /credentials\.source cvmRole gave no keys to sign with: the CVM metadata service at http:\/\/127\.0\.0\.1:\d+\/latest\/meta-data\/cam\/security-credentials\/short-lived cannot be reached/,
  );
  assert.ok(Date.now() - started < 10_000, 'no hang');
});

test('tencent-sms check-config says where the keys come from', async () => {
  const file = path.join(dir, 'role-config.json');
  writeFileSync(file, JSON.stringify(configWith({ source: 'chain' })));
  const out = await new Promise((resolve) => {
    const proc = spawn(process.execPath, [cli, 'check-config', file], { env: { ...cleanEnv(), TENCENT_SMS_METADATA_URL: metadataUrl() } });
    let text = '';
    proc.stdout.on('data', (chunk) => (text += chunk));
    proc.on('exit', (code) => resolve({ code, text }));
  });
  assert.equal(out.code, 0, out.text);
  assert.match(out.text, /keys \(main\): credentials\.source chain → cvmRole/);
});
