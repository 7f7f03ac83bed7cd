// Tencent's own signer agrees with ours: a request the connector really sent is re-signed
// with tencentcloud-sdk-nodejs-common's Sign.sign3 and must match byte for byte.
// sign3 signs the URL's host name without its port, so the connector must post to
// http://localhost on the default port: a capture server listens on 127.0.0.1:80 (CI runs as
// root; elsewhere the test says why it cannot run). Loopback endpoints are never proxied.

import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';

import SignModule from 'tencentcloud-sdk-nodejs-common/tencentcloud/common/sign.js';

import createConnector from '../lib/index.js';
import { fourTemplates } from './helpers.mjs';

const Sign = SignModule.default ?? SignModule;
let server;
let cannotListen;
const captured = [];

before(async () => {
  server = http.createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      captured.push({ url: request.url, headers: request.headers, body: Buffer.concat(chunks) });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          Response: {
            SendStatusSet: [{ SerialNo: 's', PhoneNumber: '+8613711112222', Fee: 1, Code: 'Ok', Message: 'send success', IsoCode: 'CN' }],
            RequestId: 'r',
          },
        }),
      );
    });
  });
  await new Promise((resolve) => {
    server.once('error', (error) => {
      cannotListen = `cannot listen on 127.0.0.1:80 (${error.code}); run as root to compare with sign3`;
      resolve();
    });
    server.listen(80, '127.0.0.1', resolve);
  });
});

after(() => {
  if (server.listening) {
    server.close();
    server.closeAllConnections();
  }
});

test('Sign.sign3 reproduces the Authorization header the connector sent', async (t) => {
  if (cannotListen) {
    t.skip(cannotListen);
    return;
  }
  const config = {
    accessKeyId: 'AKIDEXAMPLE',
    accessKeySecret: 'SECRETEXAMPLE',
    signName: '腾讯云',
    sdkAppId: '1400006666',
    region: 'ap-guangzhou',
    endpoint: 'http://localhost',
    templates: fourTemplates('1110'),
  };
  const connector = await createConnector({ getConfig: async () => config });
  await connector.sendMessage({ to: '8613711112222', type: 'SignIn', payload: { code: '123456', locale: 'en' } });
  assert.equal(captured.length, 1, 'the request reached the capture server');
  const [{ url, headers, body }] = captured;
  assert.equal(url, '/');
  assert.equal(headers.host, 'localhost');
  assert.equal(headers['x-tc-action'], 'SendSms');
  assert.equal(headers['x-tc-version'], '2021-01-11');
  assert.equal(headers['x-tc-region'], 'ap-guangzhou');
  assert.match(headers['x-tc-requestclient'], /^connector-tencent-sms-rs\/\d+\.\d+\.\d+$/);
  assert.equal(headers['content-type'], 'application/json; charset=utf-8');
  assert.deepEqual(JSON.parse(body.toString('utf8')), {
    PhoneNumberSet: ['+8613711112222'],
    SmsSdkAppId: '1400006666',
    TemplateId: '1110',
    TemplateParamSet: ['123456'],
    SignName: '腾讯云',
  });
  const expected = Sign.sign3({
    method: 'POST',
    url: 'http://localhost/',
    payload: body,
    timestamp: Number(headers['x-tc-timestamp']),
    service: 'sms',
    secretId: 'AKIDEXAMPLE',
    secretKey: 'SECRETEXAMPLE',
    headers: { 'Content-Type': headers['content-type'] },
  });
  assert.equal(headers.authorization, expected);
});
