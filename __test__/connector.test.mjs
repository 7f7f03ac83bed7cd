// The connector through the real shim and addon, end to end against the emulator.

import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';

import { ConnectorError, ConnectorErrorCodes } from '@logto/connector-kit';
import { ZodError } from 'zod';

import createConnector from '../lib/index.js';
import { tencentErrors } from '../scripts/tables.mjs';
import { connectorFor, fourTemplates, LOGTO_MESSAGE_TYPES, rejectsWith, signIn, startTestEmulator } from './helpers.mjs';

let emulator;
before(async () => {
  emulator = await startTestEmulator();
});
after(() => emulator.close());

describe('the connector object', () => {
  test('createConnector returns own enumerable metadata, type, configGuard and sendMessage', async () => {
    let calls = 0;
    const connector = await createConnector({
      getConfig: () => {
        calls += 1;
        throw new Error('no');
      },
    });
    assert.deepEqual(Object.keys(connector).sort(), ['configGuard', 'getUsage', 'metadata', 'sendMessage', 'type']);
    const spread = { sendMessage: 'stub', ...connector };
    assert.equal(typeof spread.sendMessage, 'function');
    assert.equal(connector.type, 'Sms');
    assert.equal(calls, 0, 'createConnector never calls getConfig');
  });

  test('metadata matches the official connector in every field Logto reads', async () => {
    const { metadata } = await createConnector({ getConfig: async () => ({}) });
    assert.equal(metadata.id, 'tencent-short-message-service');
    assert.equal(metadata.target, 'tencent-sms');
    assert.equal(metadata.platform, null);
    assert.equal(metadata.logo, './logo.svg');
    assert.equal(metadata.logoDark, null);
    assert.equal(metadata.readme, './docs/operator-guide.md', 'the console shows the operator guide, not the developer README');
    assert.equal(metadata.name.en, 'Tencent Short Message Service');
    assert.equal(metadata.name['zh-CN'], '腾讯云短信服务');
    assert.equal(metadata.description.en, 'Tencent provides cloud computing services to online businesses.');
    const official = [
      // Optional in the form since `credentials`, which can keep the keys out of Logto's
      // database; the config still requires them when credentials.source is config.
      ['accessKeyId', 'Access Key ID', 'Text', false],
      ['accessKeySecret', 'Access Key Secret', 'Text', false],
      ['signName', 'Sign Name', 'Text', true],
      ['sdkAppId', 'SDK App ID', 'Text', true],
      ['region', 'Region', 'Text', true],
      ['templates', 'Templates', 'Json', true],
    ];
    for (const [key, label, type, required] of official) {
      const item = metadata.formItems.find((i) => i.key === key);
      assert.deepEqual([item.label, item.type, item.required], [label, type, required], key);
    }
    assert.equal(metadata.formItems.find((i) => i.key === 'accessKeySecret').isConfidential, true);
    for (const key of ['endpoint', 'senderId']) {
      assert.equal(metadata.formItems.find((i) => i.key === key).required, false, key);
    }
    const templates = metadata.formItems.find((i) => i.key === 'templates').defaultValue;
    assert.deepEqual(
      templates.map((t) => t.usageType),
      LOGTO_MESSAGE_TYPES,
    );
  });
});

describe('configGuard', () => {
  const valid = () => emulator.connectorConfig();

  test('accepts a valid config and keeps unknown keys', async () => {
    const { configGuard } = await createConnector({});
    const input = { ...valid(), extra: 1 };
    assert.deepEqual(configGuard.safeParse(input), { success: true, data: input });
    assert.equal(configGuard.parse(input), input);
  });

  test('reports every issue at once as a real ZodError from the host zod', async () => {
    const { configGuard } = await createConnector({});
    const result = configGuard.safeParse({ accessKeyId: 'x', templates: [] });
    assert.equal(result.success, false);
    assert.ok(result.error instanceof ZodError);
    assert.deepEqual(
      result.error.issues.map((i) => i.path.join('.')),
      ['accessKeySecret', 'signName', 'sdkAppId', 'region', 'templates'],
    );
    assert.equal(result.error.issues.at(-1).message, 'Template with UsageType (Register, SignIn, ForgotPassword, Generic) should be provided!');
    assert.throws(() => configGuard.parse({}), ZodError);
  });

  test('refuses values that are not JSON data without throwing', async () => {
    const { configGuard } = await createConnector({});
    const cyclic = {};
    cyclic.self = cyclic;
    for (const input of [undefined, null, 5n, cyclic, [], 'x']) {
      const result = configGuard.safeParse(input);
      assert.equal(result.success, false);
      assert.ok(result.error.issues.length > 0);
    }
  });
});

describe('sendMessage', () => {
  test('sends a mainland SignIn code and resolves with Tencent’s result', async () => {
    emulator.clear();
    const { connector } = await connectorFor(emulator);
    const result = await connector.sendMessage(signIn('8613711112222', { code: '123456', locale: 'zh-CN', uiLocales: 'fr-CA fr' }));
    assert.equal(result.phoneNumber, '+8613711112222');
    assert.equal(result.isoCode, 'CN');
    assert.equal(result.fee, 1);
    assert.match(result.requestId, /^[0-9a-f-]{36}$/);
    const [message] = await emulator.messages();
    assert.deepEqual(message.params, ['123456'], 'only the code is sent: no locale, no uiLocales');
    assert.equal(message.signName, 'Logto');
    assert.equal(message.templateId, '1000001');
  });

  test('sends an international number in E.164 with its international template and no sign name', async () => {
    emulator.clear();
    const { connector } = await connectorFor(emulator);
    const result = await connector.sendMessage(signIn('16502530000'));
    assert.equal(result.phoneNumber, '+16502530000', 'the + is added, so Tencent does not read it as mainland');
    const [message] = await emulator.messages();
    assert.equal(message.templateId, '2000001');
    assert.equal(message.signName, null);
  });

  test('falls back to the other template flag, as the official connector does', async () => {
    emulator.clear();
    const emu = await startTestEmulator({
      apps: [{ sdkAppId: '1400000000', signNames: ['Logto'], templates: [{ templateId: '7', content: 'Code {1}', international: true }] }],
    });
    try {
      const { connector } = await connectorFor(emu, {
        templates: fourTemplates('7'),
      });
      await connector.sendMessage(signIn('85291234567'));
      assert.equal((await emu.messages())[0].templateId, '7');
    } finally {
      await emu.close();
    }
  });

  test('falls back to Generic for MFA and account flows', async () => {
    emulator.clear();
    const { connector } = await connectorFor(emulator, {
      templates: [
        { usageType: 'SignIn', templateCode: '9999' },
        { usageType: 'Register', templateCode: '9999' },
        { usageType: 'ForgotPassword', templateCode: '9999' },
        { usageType: 'Generic', templateCode: '1000001' },
        { usageType: 'BindMfa', templateCode: '<template-code>' },
      ],
    });
    for (const type of ['MfaVerification', 'BindMfa', 'BindNewIdentifier', 'UserPermissionValidation']) {
      await connector.sendMessage({ to: '8613711112222', type, payload: { code: '111111' } });
    }
    assert.deepEqual(
      (await emulator.messages()).map((m) => m.templateId),
      ['1000001', '1000001', '1000001', '1000001'],
    );
  });

  test('a per-template signName overrides the global one; senderId goes on international sends only', async () => {
    const emu = await startTestEmulator({
      apps: [
        {
          sdkAppId: '1400000000',
          signNames: ['Logto', 'Other'],
          templates: [
            { templateId: '1', content: 'Code {1}', international: false },
            { templateId: '2', content: 'Code {1}', international: true },
          ],
        },
      ],
    });
    try {
      const { connector } = await connectorFor(emu, {
        senderId: 'LOGTO',
        templates: [...fourTemplates('1', { signName: 'Other' }), ...fourTemplates('2', { international: true, signName: 'Other' })],
      });
      await connector.sendMessage(signIn('8613711112222'));
      await connector.sendMessage(signIn('447911123456'));
      assert.deepEqual(
        (await emu.messages()).map((m) => m.signName),
        ['Other', 'Other'],
      );
    } finally {
      await emu.close();
    }
  });

  test('uses the config argument over getConfig, and getConfig errors propagate unchanged', async () => {
    let asked = 0;
    const failure = new Error('entity.not_found');
    const connector = await createConnector({
      getConfig: async (id) => {
        asked += 1;
        assert.equal(id, 'tencent-short-message-service');
        throw failure;
      },
    });
    await assert.rejects(connector.sendMessage(signIn()), (e) => e === failure);
    assert.equal(asked, 1);
    const throwing = await createConnector({
      getConfig: () => {
        throw failure;
      },
    });
    await assert.rejects(throwing.sendMessage(signIn()), (e) => e === failure);
    emulator.clear();
    await connector.sendMessage(signIn(), emulator.connectorConfig());
    assert.equal(asked, 1, 'the second argument wins');
  });

  test('template_not_found names the type', async () => {
    const { connector } = await connectorFor(emulator, {
      templates: fourTemplates('<template-code>'),
    });
    const error = await rejectsWith(connector.sendMessage(signIn()), 'template_not_found');
    assert.deepEqual(error.data, { message: 'Cannot find template for type: SignIn' });
  });

  test('an invalid config is invalid_config with the ZodError as data', async () => {
    const { connector } = await connectorFor(emulator, { sdkAppId: 'abc', region: 'x' });
    const error = await rejectsWith(connector.sendMessage(signIn()), 'invalid_config');
    assert.ok(error.data instanceof ZodError);
    assert.deepEqual(
      error.data.issues.map((i) => i.path[0]),
      ['sdkAppId', 'region'],
    );
  });

  test('bad data and bad numbers are invalid_request_parameters and nothing is sent', async () => {
    const { connector } = await connectorFor(emulator);
    const before = emulator.apiRequests();
    for (const data of [
      undefined,
      null,
      {},
      { to: 8613711112222, type: 'SignIn', payload: {} },
      { to: '', type: 'SignIn', payload: {} },
      { to: '86137abc', type: 'SignIn', payload: {} },
      { to: '123', type: 'SignIn', payload: {} },
      { to: '8613711112222123456', type: 'SignIn', payload: {} },
      { to: '8613711112222', type: 'SignIn' },
      { to: '8613711112222', type: 'SignIn', payload: { code: 123456 } },
      { to: '8613711112222', type: 'SignIn', payload: { code: 1n } },
      { to: '8613711112222', type: 'SignIn', payload: { code: Number.NaN } },
      { to: '8613711112222', type: 'SignIn', payload: { code: Infinity } },
    ]) {
      await rejectsWith(connector.sendMessage(data), 'invalid_request_parameters');
    }
    assert.equal(emulator.apiRequests(), before);
  });
});

describe('Tencent errors are classified', () => {
  // The error table of docs/configuration.md, from its one source.
  const cases = tencentErrors().flatMap(({ tencentCodes, logtoCode }) => tencentCodes.map((tencentCode) => [tencentCode, logtoCode]));
  /** What the admin console prints as details: Logto's `formatZodError` lines. */
  const consoleDetails = (zodError) => zodError.issues.map((i) => `Error in key path "${i.path.join('.')}": (${i.code}) ${i.message}`);

  for (const [tencentCode, code] of cases) {
    test(`${tencentCode} → ${code}`, async () => {
      const { connector } = await connectorFor(emulator);
      // Enough for every attempt a refusal may take (API rate limits are retried twice).
      emulator.injectFault({ kind: 'tencentError', code: tencentCode, message: 'injected', count: 3 });
      const error = await rejectsWith(connector.sendMessage(signIn()), code);
      emulator.clear();
      assert.equal(error.data.tencentCode, tencentCode);
      assert.match(error.data.requestId, /^[0-9a-f-]{36}$/);
      if (code === 'invalid_config' || code === 'usage_limit_exceeded') {
        // The admin reads these in the console only because the data is a ZodError.
        assert.ok(error.data instanceof ZodError, 'a config refusal carries a ZodError');
        const [detail] = consoleDetails(error.data);
        assert.ok(detail.includes(`Tencent SMS said ${tencentCode}: injected. What to do: `), detail);
      } else {
        assert.ok(error.data.errorDescription.startsWith(`${tencentCode}: injected`), error.data.errorDescription);
      }
      emulator.injectFault({ kind: 'sendStatusCode', code: tencentCode, count: 3 });
      await rejectsWith(connector.sendMessage(signIn()), code);
      emulator.clear();
    });
  }

  test('a refused config points the admin at the key to fix', async () => {
    const { connector } = await connectorFor(emulator, {
      templates: [
        { usageType: 'Register', templateCode: '1000001' },
        { usageType: 'ForgotPassword', templateCode: '1000001' },
        { usageType: 'Generic', templateCode: '1000001' },
        { usageType: 'SignIn', templateCode: '1000001', signName: 'Logto' },
      ],
    });
    const expectations = [
      ['AuthFailure.SecretIdNotFound', 'accessKeyId'],
      ['AuthFailure.SignatureFailure', 'accessKeySecret'],
      ['UnauthorizedOperation.SmsSdkAppIdVerifyFail', 'sdkAppId'],
      ['UnsupportedRegion', 'region'],
      ['FailedOperation.SignatureIncorrectOrUnapproved', 'templates.3.signName'],
      ['FailedOperation.TemplateIncorrectOrUnapproved', 'templates.3.templateCode'],
      ['FailedOperation.TemplateParamSetNotMatchApprovedTemplate', 'templates.3.templateCode'],
      ['UnsupportedOperation.ChineseMainlandTemplateToGlobalPhone', 'templates.3.international'],
      ['LimitExceeded.AppDailyLimit', 'sdkAppId'],
    ];
    for (const [tencentCode, path] of expectations) {
      emulator.injectFault({ kind: 'tencentError', code: tencentCode, message: 'injected' });
      const error = await connector.sendMessage(signIn()).catch((e) => e);
      assert.deepEqual(
        error.data.issues.map((i) => i.path.join('.')),
        [path],
        tencentCode,
      );
    }
    emulator.injectFault({ kind: 'tencentError', code: 'FailedOperation.SignatureIncorrectOrUnapproved' });
    const error = await connector.sendMessage({ to: '8613711112222', type: 'Register', payload: { code: '1' } }).catch((e) => e);
    assert.deepEqual(error.data.issues[0].path, ['signName'], 'the global sign name when the template has none');
  });

  test('a real wrong template id from the emulator names templates.<i>.templateCode', async () => {
    const { connector } = await connectorFor(emulator, {
      templates: fourTemplates('1000001').map((t) => (t.usageType === 'SignIn' ? { ...t, templateCode: '4040404' } : t)),
    });
    const error = await rejectsWith(connector.sendMessage(signIn()), 'invalid_config');
    assert.equal(error.data.tencentCode, 'FailedOperation.TemplateIncorrectOrUnapproved');
    assert.deepEqual(error.data.issues[0].path, ['templates', 0, 'templateCode']);
  });

  test('real refusals from the emulator: wrong secret, unknown app, unknown template, frequency limit', async () => {
    const limited = await startTestEmulator({ frequencyLimitSeconds: 30 });
    try {
      const wrongSecret = await connectorFor(limited, { accessKeySecret: 'a-wrong-secret' });
      const error = await rejectsWith(wrongSecret.connector.sendMessage(signIn()), 'invalid_config', 'a-wrong-secret');
      assert.equal(error.data.tencentCode, 'AuthFailure.SignatureFailure');
      await rejectsWith((await connectorFor(limited, { sdkAppId: '1499999999' })).connector.sendMessage(signIn()), 'invalid_config');
      const { connector } = await connectorFor(limited);
      await connector.sendMessage(signIn());
      const limit = await rejectsWith(connector.sendMessage(signIn()), 'rate_limit_exceeded');
      assert.equal(limit.data.tencentCode, 'LimitExceeded.PhoneNumberThirtySecondLimit');
    } finally {
      await limited.close();
    }
  });

  test('RequestLimitExceeded is retried twice, then rate_limit_exceeded', async () => {
    const { connector } = await connectorFor(emulator);
    const before = emulator.apiRequests();
    emulator.injectFault({ kind: 'tencentError', code: 'RequestLimitExceeded', count: 3 });
    await rejectsWith(connector.sendMessage(signIn()), 'rate_limit_exceeded');
    assert.equal(emulator.apiRequests() - before, 3);
    emulator.injectFault({ kind: 'tencentError', code: 'RequestLimitExceeded.UinLimitExceeded', count: 2 });
    await connector.sendMessage(signIn());
  });

  test('SignatureExpire twice is general with a hint to fix the clock', async () => {
    const { connector } = await connectorFor(emulator);
    emulator.injectFault({ kind: 'tencentError', code: 'AuthFailure.SignatureExpire', count: 2 });
    const error = await rejectsWith(connector.sendMessage(signIn()), 'general');
    assert.match(error.data.errorDescription, /clock/);
  });
});

describe('transport failures are ConnectorErrors', () => {
  test('a non-JSON body and a truncated one are invalid_response', async () => {
    const { connector } = await connectorFor(emulator);
    for (const kind of ['invalidJson', 'truncatedJson']) {
      emulator.injectFault({ kind });
      await rejectsWith(connector.sendMessage(signIn()), 'invalid_response');
    }
    emulator.injectFault({ kind: 'oversize', bytes: 2 * 1024 * 1024 });
    await rejectsWith(connector.sendMessage(signIn()), 'invalid_response');
  });

  test('a 502 or an HTML error page is general with the status', async () => {
    const { connector } = await connectorFor(emulator);
    emulator.injectFault({ kind: 'httpStatus', status: 502 });
    const error = await rejectsWith(connector.sendMessage(signIn()), 'general');
    assert.match(error.data.errorDescription, /502/);
    emulator.injectFault({ kind: 'htmlPage', status: 503 });
    assert.match((await rejectsWith(connector.sendMessage(signIn()), 'general')).data.errorDescription, /503/);
  });

  test('a closed port is general, after the safe retries', async () => {
    const server = net.createServer();
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address();
    await new Promise((resolve) => server.close(resolve));
    const { connector } = await connectorFor(emulator, { endpoint: `http://127.0.0.1:${port}` });
    const error = await rejectsWith(connector.sendMessage(signIn()), 'general');
    assert.match(error.data.errorDescription, /could not connect/);
  });

  test('a connection reset after the body is general and not retried', async () => {
    const { connector } = await connectorFor(emulator);
    const before = emulator.apiRequests();
    emulator.injectFault({ kind: 'resetAfterBody', count: 3 });
    await rejectsWith(connector.sendMessage(signIn()), 'general');
    assert.equal(emulator.apiRequests() - before, 1, 'SendSms is not idempotent: no retry once the body was sent');
    emulator.clear();
  });

  test('a slow server hits the 10 s timeout: general, not retried', async () => {
    const { connector } = await connectorFor(emulator);
    const before = emulator.apiRequests();
    emulator.injectFault({ kind: 'delay', ms: 12_000 });
    const started = Date.now();
    const error = await rejectsWith(connector.sendMessage(signIn()), 'general');
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 9_500 && elapsed < 11_900, `timed out after ${elapsed} ms`);
    assert.match(error.data.errorDescription, /did not answer in time/);
    assert.equal(emulator.apiRequests() - before, 1);
  });

  test('every error is the host ConnectorError class', async () => {
    const { connector } = await connectorFor(emulator);
    emulator.injectFault({ kind: 'invalidJson' });
    await assert.rejects(connector.sendMessage(signIn()), (e) => e instanceof ConnectorError && e.code === ConnectorErrorCodes.InvalidResponse);
  });
});

describe('getUsage', () => {
  test('returns the billed messages since startFrom, from the emulator’s SendStatusStatistics', async () => {
    const emu = await startTestEmulator();
    try {
      const { connector } = await connectorFor(emu);
      assert.equal(await connector.getUsage(new Date(Date.now() - 3_600_000)), 0);
      await connector.sendMessage(signIn());
      await connector.sendMessage(signIn('16502530000'));
      assert.equal(await connector.getUsage(new Date(Date.now() - 3_600_000)), 2);
      assert.equal(await connector.getUsage(), 2, 'without startFrom: the last 30 days');
      await rejectsWith(connector.getUsage(new Date('nope')), 'invalid_request_parameters');
      const throwing = new Proxy(
        {},
        {
          get: () => {
            throw new Error('trap');
          },
        },
      );
      for (const startFrom of [
        Symbol('x'),
        5n,
        {
          valueOf: () => {
            throw new Error('no');
          },
        },
        throwing,
      ]) {
        await rejectsWith(connector.getUsage(startFrom), 'invalid_request_parameters');
      }
    } finally {
      await emu.close();
    }
  });

  test('a year of usage answers within Logto’s 3 s at 400 ms per Tencent call, paced, closed hours asked once', async () => {
    const emu = await startTestEmulator();
    try {
      const { connector } = await connectorFor(emu);
      emu.injectFault({ kind: 'delay', ms: 400, count: 40 });
      const createdAt = new Date(Date.now() - 365 * 86_400_000);
      const started = Date.now();
      assert.equal(await connector.getUsage(createdAt), 0);
      const elapsed = Date.now() - started;
      const cold = emu.apiRequests();
      assert.ok(cold >= 13, `a year takes about 14 windows: ${cold}`);
      assert.ok(elapsed < 3_000, `Logto drops answers after 3 s; this took ${elapsed} ms`);
      assert.ok(elapsed >= (cold - 1) * 100 + 400, `${cold} requests in ${elapsed} ms: more than 10 a second`);
      await connector.sendMessage(signIn());
      assert.equal(await connector.getUsage(createdAt), 1);
      assert.ok(emu.apiRequests() - cold <= 3, `the send, the current hour, at most one window closed since: ${emu.apiRequests() - cold}`);
    } finally {
      await emu.close();
    }
  });

  test('errors are ConnectorErrors: a bad config, a refusal', async () => {
    const { connector } = await connectorFor(emulator, { sdkAppId: 'x' });
    await rejectsWith(connector.getUsage(), 'invalid_config');
    const wrongApp = await connectorFor(emulator, { sdkAppId: '1499999999' });
    await rejectsWith(wrongApp.connector.getUsage(), 'invalid_config');
  });
});
