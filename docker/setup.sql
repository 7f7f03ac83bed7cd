-- Run once Logto's database is seeded, before Logto starts: the connector, sending through the emulator with its
-- demo account, and phone numbers with verification codes for sign-up and sign-in. Existing
-- rows are left as they are, so restarting the stack changes nothing an operator edited.
INSERT INTO connectors (tenant_id, id, connector_id, config)
VALUES ('default', 'tencent-sms-emulator', 'tencent-short-message-service', '{
  "accessKeyId": "AKIDLogtoEmulatorDemo",
  "accessKeySecret": "logto-emulator-demo-secret",
  "signName": "Logto",
  "sdkAppId": "1400000000",
  "region": "ap-guangzhou",
  "endpoint": "http://sms-emulator:9000",
  "templates": [
    { "usageType": "SignIn", "templateCode": "1000001" },
    { "usageType": "Register", "templateCode": "1000001" },
    { "usageType": "ForgotPassword", "templateCode": "1000001" },
    { "usageType": "Generic", "templateCode": "1000001" },
    { "usageType": "Generic", "templateCode": "2000001", "international": true }
  ]
}'::jsonb)
ON CONFLICT (id) DO NOTHING;

UPDATE sign_in_experiences
SET sign_up = '{ "identifiers": ["phone"], "password": false, "verify": true }'::jsonb,
    sign_in = '{ "methods": [{ "identifier": "phone", "password": false, "verificationCode": true, "isPasswordPrimary": false }] }'::jsonb
WHERE tenant_id = 'default' AND id = 'default'
  AND NOT (sign_in->'methods' @> '[{ "identifier": "phone" }]'::jsonb);
