// One bound per send, in a fresh Node: the whole send (queue wait, retries, backoffs) answers
// within the deadline the README states, and sends that could not start in time are not sent.

import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'node:test';

import { runNode } from './helpers.mjs';

const index = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'lib', 'index.js')).href;
const helpers = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'helpers.mjs')).href;

/** The documented bound for a whole send (docs/configuration.md). */
const SEND_DEADLINE_MS = 12_000;

/**
 * In a child: a local server (`silent` accepts and never answers; `closed` is a port nothing
 * listens on), `count` concurrent sends through the connector, and a JSON report of when each
 * settled and with which code.
 */
const script = (kind, count) => `
  import net from 'node:net';
  import createConnector from '${index}';
  import { fourTemplates } from '${helpers}';
  const server = net.createServer((socket) => { server.connections += 1; socket.on('data', () => {}); });
  server.connections = 0;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  if (${JSON.stringify(kind)} === 'closed') await new Promise((resolve) => server.close(resolve));
  const templates = fourTemplates('1');
  const config = { accessKeyId: 'AKID', accessKeySecret: 'secret', signName: 'Logto', sdkAppId: '1400000000',
    region: 'ap-guangzhou', endpoint: 'http://127.0.0.1:' + port, templates };
  const connector = await createConnector({ getConfig: async () => config });
  const started = Date.now();
  const outcomes = await Promise.all(Array.from({ length: ${count} }, () =>
    connector.sendMessage({ to: '8613711112222', type: 'SignIn', payload: { code: '1' } })
      .then(() => ({ code: 'sent' }), (error) => ({ code: error.code, text: error.data?.errorDescription ?? '' }))
      .then((outcome) => ({ ...outcome, ms: Date.now() - started }))));
  console.log(JSON.stringify({ connections: server.connections, outcomes }));
  server.close();
`;

const run = async (kind, count) => {
  const { code, signal, stdout, stderr } = await runNode(['--input-type=module', '-e', script(kind, count)], 60_000);
  assert.equal(signal, null, `killed: ${stderr}`);
  assert.equal(code, 0, stderr);
  return JSON.parse(stdout.trim().split('\n').at(-1));
};

/** Requests the connector lets into flight at once (`MAX_IN_FLIGHT` in the core's client). */
const IN_FLIGHT = 600;

test('1 300 sends to a server that never answers all end within the deadline; queued ones are not sent', async () => {
  const total = 2 * IN_FLIGHT + 100;
  const { connections, outcomes } = await run('silent', total);
  const latest = Math.max(...outcomes.map((o) => o.ms));
  assert.ok(latest < SEND_DEADLINE_MS + 1_500, `the last send answered after ${latest} ms`);
  assert.ok(
    outcomes.every((o) => o.code === 'general'),
    JSON.stringify(outcomes.find((o) => o.code !== 'general')),
  );
  const notSent = outcomes.filter((o) => o.text.includes('was not sent')).length;
  // 600 requests time out at 10 s and free their slots; 600 more still have 2 s (over the 1 s a
  // request needs) and go out; the other 100 are still queued 1 s before the deadline: not sent.
  assert.equal(connections, 2 * IN_FLIGHT, 'only sends that got a slot in time reached the server');
  assert.equal(notSent, total - 2 * IN_FLIGHT);
});

test('2 000 sends to a closed port all end well within a second', async () => {
  const { outcomes } = await run('closed', 2_000);
  const latest = Math.max(...outcomes.map((o) => o.ms));
  assert.ok(latest < 1_000, `the last send answered after ${latest} ms`);
  assert.ok(outcomes.every((o) => o.code === 'general' && /could not connect/.test(o.text)));
});
