#!/usr/bin/env node
// `tencent-sms-emulator`: runs the Tencent SMS emulator until Ctrl-C or SIGTERM. Needs nothing
// but this package: no Logto, no connector.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { startEmulator } from '../lib/emulator.js';

const HELP = `usage: tencent-sms-emulator [--port N] [--host 127.0.0.1] [--config FILE]
                            [--tls-cert cert.pem --tls-key key.pem] [--listen-on-network]

Runs the Tencent SMS emulator (SendSms, API 2021-01-11) until Ctrl-C or SIGTERM.
  --port N        port to listen on; 0 (default) picks a free one
  --host H        loopback address to listen on: 127.0.0.1 (default), ::1 or localhost;
                  other addresses only with --listen-on-network
  --listen-on-network
                  listen on a network address on purpose (0.0.0.0 in a container): the page
                  and the control API then require the access token in the environment
                  variable TENCENT_SMS_EMULATOR_TOKEN (16+ characters), as a bearer token or
                  through the page's login; the SMS API stays open, as Tencent's is
  --config FILE   JSON options: credentials, apps, frequencyLimitSeconds,
                  maxClockSkewSeconds, readTimeoutMs; without it the demo defaults are used
  --tls-cert FILE --tls-key FILE
                  serve HTTPS with this PEM certificate (chain) and private key
The inbox is at GET <url>/_emulator/messages. Exit codes: 0 stopped, 2 bad usage.`;

const EXIT_USAGE = 2;

const usage = (message) => {
  console.error(`tencent-sms-emulator: ${message}\n\n${HELP}`);
  process.exit(EXIT_USAGE);
};

const readText = (file) => {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    return usage(`cannot read ${file}: ${error.code ?? 'unreadable'}`);
  }
};

const readOptions = (file) => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return usage(error instanceof SyntaxError ? `${file} is not valid JSON` : `cannot read ${file}: ${error.code ?? 'unreadable'}`);
  }
};

let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string' }, host: { type: 'string' }, config: { type: 'string' },
      'tls-cert': { type: 'string' }, 'tls-key': { type: 'string' }, help: { type: 'boolean', short: 'h' },
      'listen-on-network': { type: 'boolean' },
    },
    strict: true,
  }));
} catch (error) {
  usage(error.message);
}
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const port = Number(values.port ?? 0);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  usage('--port must be a number from 0 to 65535');
}
if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) {
  usage('--tls-cert and --tls-key go together');
}
const tls = values['tls-cert'] === undefined
  ? {}
  : { tls: { certificateChain: readText(values['tls-cert']), privateKey: readText(values['tls-key']) } };
/** The access token comes from the environment, never the command line, which every user of the machine can read. */
const TOKEN_VAR = 'TENCENT_SMS_EMULATOR_TOKEN';
if (values['listen-on-network'] && !process.env[TOKEN_VAR]) {
  usage(`--listen-on-network needs the access token in ${TOKEN_VAR}`);
}
const network = values['listen-on-network'] ? { listenOnNetwork: true, accessToken: process.env[TOKEN_VAR] } : {};
const options = { ...(values.config ? readOptions(values.config) : {}), port, ...(values.host ? { host: values.host } : {}), ...tls, ...network };
/** The flag and file behind an error about a part of `tls`, which the emulator names by option. */
const TLS_FLAGS = { 'tls.certificateChain': 'tls-cert', 'tls.privateKey': 'tls-key' };
const explain = (message) => {
  for (const [option, flag] of Object.entries(TLS_FLAGS)) {
    const at = message.indexOf(`${option} `);
    if (at !== -1 && values[flag] !== undefined) {
      return `--${flag} ${values[flag]}: ${message.slice(at + option.length + 1)}`;
    }
  }
  return message;
};
const emulator = await startEmulator(options).catch((error) => usage(explain(error.message)));
const [credential] = emulator.options.credentials;
console.log(`Tencent SMS emulator listening on ${emulator.url}`);
console.log(`SecretId ${credential.secretId}, SdkAppId ${emulator.options.apps[0]?.sdkAppId}; inbox: ${emulator.url}/_emulator/messages`);
await new Promise((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
await emulator.close();
