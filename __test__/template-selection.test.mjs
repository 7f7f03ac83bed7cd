// Which template each Logto message type gets, end to end: the documented example config against
// an emulator that knows its app and templates and, like Tencent, refuses a mainland template
// to an international number and the reverse.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { connectorFor, LOGTO_MESSAGE_TYPES, startTestEmulator } from './helpers.mjs';

const readmeConfig = JSON.parse(readFileSync(new URL('fixtures/readme-example-config.json', import.meta.url), 'utf8'));

const MAINLAND = '8613711112222';
const INTERNATIONAL = '16502530000';

/** Mainland: the type's own template, else mainland Generic. International: the only international template. */
const expectedTemplate = (type, to) => {
  if (to === INTERNATIONAL) {
    return '2220';
  }
  return { SignIn: '1110', Register: '1110', ForgotPassword: '1111' }[type] ?? '1112';
};

let emulator;
before(async () => {
  emulator = await startTestEmulator({
    credentials: [{ secretId: readmeConfig.accessKeyId, secretKey: readmeConfig.accessKeySecret }],
    apps: [
      {
        sdkAppId: readmeConfig.sdkAppId,
        signNames: [readmeConfig.signName],
        templates: [
          { templateId: '1110', content: 'Your sign-in code is {1}.', international: false },
          { templateId: '1111', content: 'Your password reset code is {1}.', international: false },
          { templateId: '1112', content: 'Your verification code is {1}.', international: false },
          { templateId: '2220', content: 'Your verification code is {1}.', international: true },
        ],
      },
    ],
  });
});
after(() => emulator.close());

describe('the documented example config', () => {
  test('is the config this file tests', () => {
    const documented = readFileSync(new URL('../docs/configuration.md', import.meta.url), 'utf8');
    const block = documented.match(/Example:\n\n```json\n([\s\S]*?)\n```/);
    assert.ok(block, 'docs/configuration.md has an "Example:" JSON block');
    assert.deepEqual(JSON.parse(block[1]), readmeConfig);
  });

  for (const to of [MAINLAND, INTERNATIONAL]) {
    test(`sends every Logto message type to ${to === MAINLAND ? 'a mainland' : 'an international'} number with a template Tencent accepts`, async () => {
      emulator.clear();
      const { connector } = await connectorFor(emulator, { ...readmeConfig, endpoint: emulator.url });
      for (const type of LOGTO_MESSAGE_TYPES) {
        await connector.sendMessage({ to, type, payload: { code: '123456', locale: 'en' } });
      }
      const sent = (await emulator.messages()).map((m) => m.templateId);
      assert.deepEqual(
        sent,
        LOGTO_MESSAGE_TYPES.map((type) => expectedTemplate(type, to)),
      );
    });
  }
});
