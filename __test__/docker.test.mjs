// The Docker Compose setup (docker/), checked without Docker: the compose file against the
// Compose specification's schema (scripts/check-compose.mjs, also run by `npm run lint`), the
// connector config that setup.sql installs against the connector's own validation, with and
// without Logto's plain-HTTP opt-in, and the tarball name the Logto image copies. The emulator's
// image command and health check are run by the emulator crate's binary tests; the topology
// itself by network.test.mjs.

import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { composeProblems, connectorConfigOfSetup } from '../scripts/check-compose.mjs';
import { runNode } from './helpers.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const docker = (file) => path.join(root, 'docker', file);

test('docker/compose.yml follows the Compose specification and fits together', () => {
  assert.deepEqual(composeProblems(), []);
});

test('the compose check finds a broken file', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'compose-'));
  const broken = path.join(dir, 'compose.yml');
  const text = readFileSync(docker('compose.yml'), 'utf8')
    .replace('condition: service_healthy', 'condition: when_ready')
    .replace('TENCENT_SMS_ALLOW_HTTP_HOSTS=sms-emulator', 'TENCENT_SMS_ALLOW_HTTP_HOSTS=elsewhere');
  writeFileSync(broken, text);
  copyFileSync(docker('setup.sql'), path.join(dir, 'setup.sql'));
  const problems = composeProblems(broken);
  assert.ok(
    problems.some((p) => p.includes('condition')),
    problems.join('\n'),
  );
  writeFileSync(broken, text.replace('condition: when_ready', 'condition: service_healthy'));
  assert.deepEqual(composeProblems(broken).filter((p) => p.includes('TENCENT_SMS_ALLOW_HTTP_HOSTS')).length, 1);
});

/** The native validation of `config` in a fresh Node whose environment has `env`. */
const validateIn = async (config, env) => {
  const lib = new URL('../lib/index.js', import.meta.url).href;
  const script = `import createConnector from '${lib}';
    const { configGuard } = await createConnector({});
    const result = configGuard.safeParse(${JSON.stringify(config)});
    console.log(JSON.stringify(result.success ? { ok: true } : { ok: false, issues: result.error.issues }));`;
  const previous = process.env.TENCENT_SMS_ALLOW_HTTP_HOSTS;
  Object.assign(process.env, env);
  try {
    const { code, stdout, stderr } = await runNode(['--input-type=module', '-e', script], 20_000);
    assert.equal(code, 0, stderr);
    return JSON.parse(stdout.trim().split('\n').at(-1));
  } finally {
    if (previous === undefined) {
      delete process.env.TENCENT_SMS_ALLOW_HTTP_HOSTS;
    } else {
      process.env.TENCENT_SMS_ALLOW_HTTP_HOSTS = previous;
    }
  }
};

test("setup.sql's connector config is valid where Logto allows plain HTTP to sms-emulator, and only there", async () => {
  const config = connectorConfigOfSetup();
  assert.deepEqual(await validateIn(config, { TENCENT_SMS_ALLOW_HTTP_HOSTS: 'sms-emulator' }), { ok: true });
  const refused = await validateIn(config, { TENCENT_SMS_ALLOW_HTTP_HOSTS: '' });
  assert.equal(refused.ok, false);
  assert.deepEqual(refused.issues[0].path, ['endpoint']);
  assert.match(refused.issues[0].message, /TENCENT_SMS_ALLOW_HTTP_HOSTS=sms-emulator/);
});

test('the Logto image copies the tarball that npm pack makes', () => {
  const { name, version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const copied = readFileSync(docker('logto.Dockerfile'), 'utf8').match(/^COPY docker\/(\S+) /m)[1];
  const pattern = new RegExp(`^${copied.replace(/[.]/g, '\\.').replace('*', '.*')}$`);
  assert.match(`${name}-${version}.tgz`, pattern);
});
