// How the benchmark loads each implementation, points it at the emulator and sends through it.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

export const DEMO = {
  accessKeyId: 'AKIDLogtoEmulatorDemo',
  accessKeySecret: 'logto-emulator-demo-secret',
  signName: 'Logto',
  sdkAppId: '1400000000',
  region: 'ap-guangzhou',
  templates: JSON.parse(readFileSync(new URL('../__test__/fixtures/required-usage-types.json', import.meta.url), 'utf8')).map((usageType) => ({
    usageType,
    templateCode: '1000001',
  })),
};

export const MESSAGE = { to: '8613711112222', type: 'SignIn', payload: { code: '123456' } };

/**
 * Sends MESSAGE `total` times through `connector`, `concurrency` at a time. With `latencies`
 * (an array of `total`), records each send's milliseconds at its index.
 */
export const sendConcurrently = async (connector, total, concurrency, latencies) => {
  let next = 0;
  let failed = 0;
  let firstError;
  const worker = async () => {
    while (next < total) {
      next += 1;
      const index = next - 1;
      const started = performance.now();
      try {
        await connector.sendMessage(MESSAGE);
      } catch (error) {
        failed += 1;
        firstError ??= `${error.code}: ${error.message}`;
      }
      if (latencies) {
        latencies[index] = performance.now() - started;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { failed, firstError };
};

/** Our connector, with the emulator as its endpoint. */
const loadOurs = async (emulatorUrl) => {
  const { default: createConnector } = await import(pathToFileURL(path.join(root, 'lib/index.js')).href);
  const config = { ...DEMO, endpoint: emulatorUrl };
  return createConnector({ getConfig: async () => config });
};

/**
 * The official connector always posts to https://sms.tencentcloudapi.com. Its `got.post` (the
 * same module instance it imports) is wrapped so the URL becomes the emulator's while the signed
 * Host header stays, so the emulator verifies its real signature.
 */
const loadOfficial = async (emulatorUrl) => {
  const entry = fileURLToPath(import.meta.resolve('@logto/connector-tencent-sms'));
  const gotPath = createRequire(entry).resolve('got');
  const { got } = await import(pathToFileURL(gotPath).href);
  const post = got.post.bind(got);
  got.post = (_url, options) => post(`${emulatorUrl}/`, options);
  const { default: createConnector } = await import(pathToFileURL(entry).href);
  return createConnector({ getConfig: async () => DEMO });
};

export const implementations = { official: loadOfficial, ours: loadOurs };

/** The file `import` time is measured on. */
export const entryOf = (name) => (name === 'ours' ? path.join(root, 'lib/index.js') : fileURLToPath(import.meta.resolve('@logto/connector-tencent-sms')));
