// `npm run demo`: starts the emulator on an ephemeral loopback port, loads the connector the
// way Logto does (its own loader, from the package folder), sends a SignIn code to a mainland
// and an international number, and prints what was signed, verified and delivered.

import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { loadConnectorFactories } from '@logto/cli/lib/connector/index.js';

import { startEmulator } from 'tencent-sms-emulator';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const emulator = await startEmulator();
let failed = false;

try {
  console.log(`Tencent SMS emulator listening on ${emulator.url} (TC3 signatures verified, 5-minute window)\n`);
  const [factory] = await loadConnectorFactories([{ path: root, name: 'connector-tencent-sms-rs' }], false);
  if (!factory) {
    throw new Error('Logto’s loader skipped the connector (see the log line above)');
  }
  console.log(`Loaded with Logto’s loader: ${factory.metadata.id} (${factory.type})`);

  const config = emulator.connectorConfig();
  const connector = { ...(await factory.createConnector({ getConfig: async () => config })) };
  console.log(`Config: SdkAppId ${config.sdkAppId}, sign "${config.signName}", region ${config.region}, endpoint ${config.endpoint}\n`);

  const sends = [
    { label: 'mainland China', to: '8613711112222', code: String(100000 + Math.floor(Math.random() * 900000)) },
    { label: 'international (US)', to: '16502530000', code: String(100000 + Math.floor(Math.random() * 900000)) },
  ];
  for (const { label, to, code } of sends) {
    console.log(`→ sendMessage({ to: '${to}', type: 'SignIn', payload: { code: '${code}', locale: 'en', uiLocales: 'fr en' } })  [${label}]`);
    const result = await connector.sendMessage({ to, type: 'SignIn', payload: { code, locale: 'en', uiLocales: 'fr en' } });
    const message = (await emulator.messages()).find((m) => m.requestId === result.requestId);
    console.log('  signed: TC3-HMAC-SHA256 over content-type;host, verified by the emulator');
    console.log(
      `  sent:   PhoneNumberSet [${message.phoneNumber}], TemplateId ${message.templateId}, SignName ${message.signName ?? '(none: international template)'}, TemplateParamSet ${JSON.stringify(message.params)}`,
    );
    console.log(`  phone:  "${message.content}"`);
    console.log(`  result: ${JSON.stringify(result)}\n`);
  }
  console.log('Both messages were delivered; the codes above are what the phones would show.');
} catch (error) {
  failed = true;
  console.error(`Demo failed: ${error?.code ?? ''} ${error?.message ?? error}`);
} finally {
  await emulator.close();
}
process.exitCode = failed ? 1 : 0;
