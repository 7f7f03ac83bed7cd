// Endpoint failover through the real connector, with two servers: a primary that is dead or
// hangs in the TLS handshake sends the code through `backupEndpoint`, once; a primary that hangs
// after the request went out is never failed over (the code may already be on its way).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { hungServer } from './fixtures/hung-server.mjs';
import { connectorFor, freePort, rejectsWith, signIn, startTestEmulator } from './helpers.mjs';

let backup;
let hung;
before(async () => {
  backup = await startTestEmulator();
  hung = await hungServer();
});
after(async () => {
  hung.close();
  await backup.close();
});

test('a dead primary endpoint: the code goes through backupEndpoint, once', async () => {
  backup.clear();
  const { connector } = await connectorFor(backup, { endpoint: `http://127.0.0.1:${await freePort()}`, backupEndpoint: backup.url });
  const result = await connector.sendMessage(signIn('8613700001111'));
  assert.equal(result.phoneNumber, '+8613700001111');
  assert.equal((await backup.messages()).length, 1);
});

test('a primary whose TLS handshake never completes: the code goes through backupEndpoint within the connect timeout', async () => {
  backup.clear();
  const { connector } = await connectorFor(backup, { endpoint: `https://127.0.0.1:${hung.port}`, backupEndpoint: backup.url });
  const started = Date.now();
  await connector.sendMessage(signIn('8613700002222'));
  assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
  assert.equal((await backup.messages()).length, 1);
});

test('a primary that took the request and never answered is not failed over: no second code', async () => {
  backup.clear();
  const requestsBefore = backup.apiRequests();
  const { connector } = await connectorFor(backup, { endpoint: `http://127.0.0.1:${hung.port}`, backupEndpoint: backup.url });
  const error = await rejectsWith(connector.sendMessage(signIn('8613700003333')), 'general');
  assert.match(error.data.errorDescription, /may or may not have been sent/);
  assert.equal(backup.apiRequests(), requestsBefore);
});
