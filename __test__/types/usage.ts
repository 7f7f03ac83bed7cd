// Typed usage of both packages' declarations (index.d.ts, emulator/emulator.d.ts), compiled by
// `npm run lint` (tsc --noEmit): a declaration that drifts from how the code is used fails it.

import createConnector, {
  configGuard,
  deliveryStatus,
  describeCredentials,
  doctor,
  metadata,
  type CredentialReport,
  type DeliveryReceipt,
  type DoctorCheck,
  type TencentSmsConfig,
} from 'connector-tencent-sms-rs';
import { emulatorConnectorConfig, emulatorDefaults, startEmulator, type DeliveredMessage, type EmulatorOptions } from 'tencent-sms-emulator';

const options: EmulatorOptions = {
  port: 0,
  frequencyLimitSeconds: 0,
  roles: [{ name: 'logto-sms', lifetimeSeconds: 60 }],
  deliveryFailures: [{ prefix: '+8613800000', description: 'MK:0005' }],
  apps: [
    {
      sdkAppId: '1400000000',
      signNames: ['Logto'],
      signReviews: [{ signName: 'Pending', statusCode: 1 }],
      templates: [{ templateId: '1', content: '{1}', statusCode: 0 }],
    },
  ],
};

export const usage = async (): Promise<void> => {
  const emulator = await startEmulator(options);
  const config: TencentSmsConfig = {
    ...emulatorConnectorConfig(emulator.url, emulatorDefaults),
    backupEndpoint: 'sms.ap-guangzhou.tencentcloudapi.com',
    credentials: { source: 'chain', roleName: 'logto-sms' },
    guard: { perIp: { max: 5, windowSeconds: 60, ipv6Prefix: 64 }, mode: 'monitor', exempt: ['+44'] },
  };
  const connector = await createConnector({ getConfig: async () => config });
  await connector.sendMessage({ to: '8613711112222', type: 'SignIn', payload: { code: '123456' } });
  const parsed: boolean = configGuard.safeParse(config).success;
  const reports: CredentialReport[] = await describeCredentials(config);
  const report: { ok: boolean; checks: DoctorCheck[] } = await doctor(config);
  const receipts: DeliveryReceipt[] = await deliveryStatus(config, '8613711112222', 0);
  const messages: DeliveredMessage[] = await emulator.messages();
  const status: 'delivered' | 'failed' = messages[0].delivery.status;
  const issued: number = emulator.credentialRequests();
  console.log(metadata.id, parsed, reports, report.ok, receipts, status, issued);
  await emulator.close();
};
