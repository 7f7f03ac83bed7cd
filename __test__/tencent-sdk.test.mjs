// Tencent's own Node SDK talks to the emulator unchanged: its Host stays
// sms.tencentcloudapi.com, and an http.Agent dials the emulator instead.

import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, test } from 'node:test';

import * as tencentcloud from 'tencentcloud-sdk-nodejs-sms';

import { startTestEmulator } from './helpers.mjs';

let emulator;
before(async () => {
  emulator = await startTestEmulator();
});
after(() => emulator.close());

const clientFor = (secretKey = emulator.options.credentials[0].secretKey) => {
  const agent = new http.Agent();
  agent.createConnection = (_options, callback) => net.connect(emulator.port, '127.0.0.1', callback);
  return new tencentcloud.sms.v20210111.Client({
    credential: { secretId: emulator.options.credentials[0].secretId, secretKey },
    region: 'ap-guangzhou',
    profile: { httpProfile: { protocol: 'http://', agent, reqTimeout: 5 } },
  });
};

test('the official SDK sends through the emulator and the message is delivered', async () => {
  emulator.clear();
  const response = await clientFor().SendSms({
    PhoneNumberSet: ['+8613711112222'],
    SmsSdkAppId: '1400000000',
    TemplateId: '1000001',
    SignName: 'Logto',
    TemplateParamSet: ['777777'],
    SessionContext: 'sdk-test',
  });
  assert.equal(response.SendStatusSet[0].Code, 'Ok');
  assert.equal(response.SendStatusSet[0].SessionContext, 'sdk-test');
  const [message] = await emulator.messages();
  assert.equal(message.content, '【Logto】Your verification code is 777777. It is valid for 10 minutes.');
});

test('the official SDK gets Tencent’s error codes from the emulator', async () => {
  await assert.rejects(
    clientFor('wrong-key').SendSms({
      PhoneNumberSet: ['+8613711112222'],
      SmsSdkAppId: '1400000000',
      TemplateId: '1000001',
      SignName: 'Logto',
      TemplateParamSet: ['1'],
    }),
    (error) => error.code === 'AuthFailure.SignatureFailure' && typeof error.requestId === 'string',
  );
  await assert.rejects(
    clientFor().SendSms({ PhoneNumberSet: ['+8613711112222'], SmsSdkAppId: '1400000001', TemplateId: '1000001', SignName: 'Logto', TemplateParamSet: ['1'] }),
    (error) => error.code === 'UnauthorizedOperation.SmsSdkAppIdVerifyFail',
  );
});

test('the official SDK reads templates, signs and delivery receipts from the emulator', async () => {
  emulator.clear();
  const client = clientFor();
  const templates = await client.DescribeSmsTemplateList({ International: 0, TemplateIdSet: [1000001] });
  assert.deepEqual(
    templates.DescribeTemplateStatusSet.map((t) => [t.TemplateId, t.International, t.StatusCode]),
    [[1000001, 0, 0]],
  );
  const signs = await client.DescribeSmsSignList({ International: 0, SignIdSet: [1] });
  assert.deepEqual(
    signs.DescribeSignListStatusSet.map((s) => [s.SignName, s.StatusCode]),
    [['Logto', 0]],
  );
  const sent = await client.SendSms({
    PhoneNumberSet: ['+8613711112222'],
    SmsSdkAppId: '1400000000',
    TemplateId: '1000001',
    SignName: 'Logto',
    TemplateParamSet: ['1'],
  });
  const now = Math.floor(Date.now() / 1000);
  const receipts = await client.PullSmsSendStatusByPhoneNumber({
    BeginTime: now - 60,
    Offset: 0,
    Limit: 10,
    PhoneNumber: '+8613711112222',
    SmsSdkAppId: '1400000000',
  });
  assert.deepEqual(
    receipts.PullSmsSendStatusSet.map((r) => [r.SerialNo, r.ReportStatus, r.Description, r.CountryCode]),
    [[sent.SendStatusSet[0].SerialNo, 'SUCCESS', 'DELIVRD', '86']],
  );
});
