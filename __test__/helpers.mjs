// Shared by the JS test files: an emulator with the frequency limit off, and checks that a
// failure is a proper ConnectorError that leaks no secret.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { readFileSync } from 'node:fs';

import { ConnectorError, TemplateType } from '@logto/connector-kit';

import createConnector from '../lib/index.js';
import { startEmulator } from 'tencent-sms-emulator';

export const SECRET_MARKER = 'logto-emulator-demo-secret';

/**
 * Every `TemplateType` Logto core can pass to an SMS connector, from the kit itself: the core's
 * one list (`LOGTO_MESSAGE_TYPES`, which the console form's default templates follow) is
 * checked against it through the metadata (`__test__/connector.test.mjs`).
 */
export const LOGTO_MESSAGE_TYPES = Object.values(TemplateType);

/** The usage types every config needs a template for: the fixture the Rust tests read too. */

export const requiredUsageTypes = JSON.parse(readFileSync(new URL('./fixtures/required-usage-types.json', import.meta.url), 'utf8'));

/** One template per required usage type, with `templateCode` and any `extra` keys. */
export const fourTemplates = (templateCode, extra = {}) => requiredUsageTypes.map((usageType) => ({ usageType, templateCode, ...extra }));

export const startTestEmulator = (options = {}) => startEmulator({ frequencyLimitSeconds: 0, ...options });

export const connectorFor = async (emulator, overrides = {}) => {
  const config = { ...emulator.connectorConfig(), ...overrides };
  const connector = await createConnector({ getConfig: async () => config });
  return { connector, config };
};

export const signIn = (to = '8613711112222', payload = { code: '123456' }) => ({ to, type: 'SignIn', payload });

/** Awaits `promise`, expects a ConnectorError with `code`, and checks nothing secret leaked. */
export const rejectsWith = async (promise, code, secret = SECRET_MARKER) => {
  let caught;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught, `expected a ConnectorError(${code}), but the send succeeded`);
  assert.ok(caught instanceof ConnectorError, `expected ConnectorError, got ${caught?.constructor?.name}: ${caught?.message}`);
  assert.equal(caught.code, code, `${caught.message}`);
  const visible = `${caught.message}\n${JSON.stringify(caught.data)}\n${String(caught.stack)}`;
  assert.ok(!visible.includes(secret), `the secret leaked: ${visible}`);
  return caught;
};

/** Runs `node <args>` to its end (killed after `limitMs`): exit code, signal, output, exit time. */
export const runNode = (args, limitMs) =>
  new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (chunk) => (stdout += chunk));
    proc.stderr.on('data', (chunk) => (stderr += chunk));
    const killer = setTimeout(() => proc.kill('SIGKILL'), limitMs);
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, exitedAt: Date.now() });
    });
  });

/** A loopback port nothing listens on (it was free a moment ago). */
export const freePort = async () => {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
};
