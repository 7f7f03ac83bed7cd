// Mainland and international done right, through the connector against two emulators, one per
// Tencent site (each with its own key, app and templates): each number goes to its own site,
// templates follow the user's language, templates with more placeholders get their params,
// getUsage counts both sites, and a refusal points at the site's key.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import createConnector from '../lib/index.js';
import { fourTemplates, rejectsWith, startTestEmulator } from './helpers.mjs';

let china;
let international;
let config;

before(async () => {
  china = await startTestEmulator({
    credentials: [{ secretId: 'AKIDChinaSite', secretKey: 'china-site-secret' }],
    apps: [{ sdkAppId: '1400000001', signNames: ['Logto'], templates: [{ templateId: '1000001', content: '您的验证码是{1}。', international: false }] }],
  });
  international = await startTestEmulator({
    credentials: [{ secretId: 'AKIDIntlSite', secretKey: 'intl-site-secret' }],
    apps: [
      {
        sdkAppId: '2400000002',
        signNames: [],
        templates: [
          { templateId: '2000001', content: 'Your Logto code is {1}, valid for {2} minutes.', international: true },
          { templateId: '2000002', content: 'Ihr Logto-Code ist {1}, gültig für {2} Minuten.', international: true },
        ],
      },
    ],
  });
  config = {
    accessKeyId: 'AKIDChinaSite',
    accessKeySecret: 'china-site-secret',
    signName: 'Logto',
    sdkAppId: '1400000001',
    region: 'ap-guangzhou',
    endpoint: china.url,
    internationalSite: {
      accessKeyId: 'AKIDIntlSite',
      accessKeySecret: 'intl-site-secret',
      sdkAppId: '2400000002',
      region: 'ap-singapore',
      endpoint: international.url,
    },
    templates: [
      ...fourTemplates('1000001'),
      { usageType: 'Generic', templateCode: '2000001', international: true, params: ['{code}', '10'] },
      { usageType: 'Generic', templateCode: '2000002', international: true, locale: 'de', params: ['{code}', '10'] },
    ],
  };
});

after(async () => {
  await china?.close();
  await international?.close();
});

const send = async (to, code, locale, overrides = {}) => {
  const connector = await createConnector({ getConfig: async () => ({ ...config, ...overrides }) });
  return connector.sendMessage({ to, type: 'SignIn', payload: { code, locale } });
};

test('each number goes to its own site, in the user’s language, with the template’s params', async () => {
  await send('8613711112222', '111111', 'en');
  await send('16502530000', '222222', 'en-US');
  await send('4915112345678', '333333', 'de-DE');
  const [mainland] = await china.messages();
  assert.equal(mainland.content, '【Logto】您的验证码是111111。');
  const [us, de] = await international.messages();
  assert.deepEqual([us.phoneNumber, us.templateId, us.content], ['+16502530000', '2000001', 'Your Logto code is 222222, valid for 10 minutes.']);
  assert.deepEqual([de.phoneNumber, de.templateId, de.content], ['+4915112345678', '2000002', 'Ihr Logto-Code ist 333333, gültig für 10 Minuten.']);
  assert.ok(
    (await china.messages()).every((m) => m.phoneNumber.startsWith('+86')),
    'the mainland site never sees an international number',
  );
  assert.ok(
    (await international.messages()).every((m) => !m.phoneNumber.startsWith('+86')),
    'and the reverse',
  );
  assert.deepEqual(await china.refusals(), []);
  assert.deepEqual(await international.refusals(), []);
});

test('getUsage counts both sites', async () => {
  china.clear();
  international.clear();
  await send('8613711113333', '444444');
  await send('16502531111', '555555');
  await send('16502532222', '666666');
  const connector = await createConnector({ getConfig: async () => config });
  assert.equal(await connector.getUsage(new Date(Date.now() - 3_600_000)), 3);
});

test('a refusal of the international site points at its key, and the secret stays hidden', async () => {
  const wrong = { ...config.internationalSite, accessKeySecret: 'not-the-intl-secret' };
  const error = await rejectsWith(send('16502530000', '1', 'en', { internationalSite: wrong }), 'invalid_config', 'not-the-intl-secret');
  assert.deepEqual(
    error.data.issues.map(({ path }) => path),
    [['internationalSite', 'accessKeySecret']],
  );
  assert.equal(error.data.tencentCode, 'AuthFailure.SignatureFailure');
  await send('8613711114444', '2', 'en', { internationalSite: wrong });
});

test('the emulator still refuses a parameter count that does not match the template', async () => {
  const templates = config.templates.map((t) => (t.templateCode === '2000001' ? { ...t, params: ['{code}'] } : t));
  const error = await rejectsWith(send('16502530000', '3', 'en', { templates }), 'invalid_config');
  assert.equal(error.data.tencentCode, 'FailedOperation.TemplateParamSetNotMatchApprovedTemplate');
  assert.deepEqual(error.data.issues[0].path, ['templates', 4, 'templateCode']);
});

test('the guard reports bad params, locales and sites at their paths, all at once', async () => {
  const { configGuard } = await createConnector({});
  const bad = {
    ...config,
    internationalSite: { ...config.internationalSite, sdkAppId: 'intl' },
    templates: config.templates.map((t, i) => (i === 5 ? { ...t, locale: 'Deutsch!', params: ['{code}', 'ten'] } : t)),
  };
  const result = configGuard.safeParse(bad);
  assert.equal(result.success, false);
  assert.deepEqual(
    result.error.issues.map(({ path }) => path.join('.')),
    ['templates.5.locale', 'templates.5.params.1', 'internationalSite.sdkAppId'],
  );
  assert.equal(configGuard.safeParse(config).success, true);
});
