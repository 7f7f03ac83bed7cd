// The emulator's live inbox page in a real headless Chromium (Debian's, driven by
// playwright-core): a code sent through the connector appears without a reload, a refused
// request shows Tencent's code, a fault armed from the page reaches the connector, and "Clear
// inbox" empties it. It saves the emulator README's screenshot (UPDATE_SCREENSHOTS=1 writes it to
// docs/emulator-inbox.png; otherwise to a temporary file). Skips, saying why, only where no
// Chromium is installed (scripts/install-test-tools.sh installs it).

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import { connectorFor, rejectsWith, signIn, startTestEmulator } from './helpers.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (run scripts/install-test-tools.sh as root)`;

let emulator;
let browser;

before(async () => {
  if (skip) {
    return;
  }
  emulator = await startTestEmulator();
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
  await emulator?.close();
});

const screenshotPath = () =>
  process.env.UPDATE_SCREENSHOTS === '1'
    ? path.join(root, 'docs', 'emulator-inbox.png')
    : path.join(mkdtempSync(path.join(os.tmpdir(), 'inbox-shot-')), 'emulator-inbox.png');

test('the live inbox shows codes and refusals as they happen, arms faults and clears', { skip }, async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 430 } });
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
  await page.goto(`${emulator.url}/`);
  await page.locator('#live.on').waitFor({ timeout: 10_000 });
  await page.getByText('No message yet').waitFor();

  const { connector } = await connectorFor(emulator);
  await connector.sendMessage(signIn('8613711112222', { code: '482915' }));
  const code = page.locator('#messages mark', { hasText: '482915' });
  await page.locator('#messages td.delivered', { hasText: 'delivered' }).first().waitFor({ timeout: 10_000 });
  await code.waitFor({ timeout: 10_000 });
  assert.match(await page.locator('#messages tr').first().innerText(), /\+8613711112222 · CN[\s\S]*1000001[\s\S]*Your verification code is 482915/);
  await connector.sendMessage(signIn('16502530000', { code: '730264' }));
  await page.locator('#messages mark', { hasText: '730264' }).waitFor({ timeout: 10_000 });
  assert.match(await page.locator('#messages tr').first().innerText(), /\+16502530000 · US/, 'newest first');

  const { connector: misconfigured } = await connectorFor(emulator, { accessKeySecret: 'not-the-demo-secret' });
  await rejectsWith(misconfigured.sendMessage(signIn('8613711113333')), 'invalid_config', 'not-the-demo-secret');
  const refusal = page.locator('#refusals tr', { hasText: 'AuthFailure.SignatureFailure' });
  await refusal.waitFor({ timeout: 10_000 });
  assert.match(await refusal.innerText(), /AuthFailure\.SignatureFailure[\s\S]*[0-9a-f]{8}-[0-9a-f]{4}-/);

  const shot = screenshotPath();
  await page.screenshot({ path: shot });
  assert.ok(statSync(shot).size > 10_000, 'a real screenshot');

  await page.locator('#fault').selectOption({ label: 'Tencent error: daily limit' });
  await page.locator('#arm').click();
  await page.getByText('Armed for the next API request').waitFor();
  await rejectsWith(connector.sendMessage(signIn('8613711114444')), 'rate_limit_exceeded');
  await page.locator('#refusals tr', { hasText: 'LimitExceeded.PhoneNumberDailyLimit' }).waitFor({ timeout: 10_000 });

  await page.locator('#clear').click();
  await page.getByText('No message yet').waitFor({ timeout: 10_000 });
  await page.getByText('No refused request.').waitFor();
  assert.deepEqual(await emulator.messages(), []);
  assert.deepEqual(await emulator.refusals(), []);
  assert.deepEqual(problems, [], 'no script error on the page');
  await page.close();
});
