// Smoke test of a built package: loads lib/index.js the way Logto does (default export, spread
// result), sends one message to the bundled emulator and checks it was delivered. Needs only
// the package's runtime dependency (@logto/connector-kit), so it runs on every release target.

import createConnector from '../lib/index.js';
import { startEmulator } from '../lib/emulator.js';

const emulator = await startEmulator({ frequencyLimitSeconds: 0 });
try {
  const config = emulator.connectorConfig();
  const connector = { ...(await createConnector({ getConfig: async () => config })) };
  const result = await connector.sendMessage({ to: '8613711112222', type: 'SignIn', payload: { code: '123456' } });
  const [message] = await emulator.messages();
  if (result.phoneNumber !== '+8613711112222' || message?.params?.[0] !== '123456') {
    throw new Error(`unexpected result ${JSON.stringify(result)}`);
  }
  console.log(`smoke ok on ${process.platform}-${process.arch}: ${message.content}`);
} finally {
  await emulator.close();
}
