// `tencent-sms-emulator`: the Tencent SMS emulator from JavaScript.
//
// The server runs in Rust on the addon's runtime; this wrapper keeps Node alive while it is
// open (like a net.Server) and parses the JSON the binding returns.

import { createRequire } from 'node:module';

const native = createRequire(import.meta.url)('./native.cjs');

/** The defaults used without options: the demo credentials, app, sign name and templates. */
export const emulatorDefaults = Object.freeze(JSON.parse(native.emulatorDefaultsJson()));

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A connector config that sends through `url` with the first credential and app of `options`,
 * using the app's mainland template for every usage type and its international one (if any)
 * for numbers outside mainland China.
 */
export const emulatorConnectorConfig = (url, options = emulatorDefaults) => {
  const [{ secretId, secretKey }] = options.credentials;
  const [app] = options.apps;
  const usageTypes = ['SignIn', 'Register', 'ForgotPassword', 'Generic'];
  const mainland = app.templates.find((t) => !t.international);
  const international = app.templates.find((t) => t.international);
  const templates = [
    ...(mainland ? usageTypes.map((usageType) => ({ usageType, templateCode: mainland.templateId })) : []),
    ...(international ? usageTypes.map((usageType) => ({ usageType, templateCode: international.templateId, international: true })) : []),
  ];
  return {
    accessKeyId: secretId,
    accessKeySecret: secretKey,
    signName: app.signNames[0] ?? '',
    sdkAppId: app.sdkAppId,
    region: 'ap-guangzhou',
    endpoint: url,
    templates,
  };
};

/**
 * Starts an emulator on 127.0.0.1. Options (all optional): port (0 = ephemeral), credentials,
 * apps, frequencyLimitSeconds (0 = off), maxClockSkewSeconds, readTimeoutMs, and host, which
 * must be a loopback address (the inbox needs no login and the demo secret is public) unless
 * listenOnNetwork is set with an accessToken, which the page and the control API then require.
 */
export const startEmulator = async (options = {}) => {
  const resolved = { ...emulatorDefaults, ...options };
  const emulator = await native.startEmulator(JSON.stringify(resolved));
  let keepAlive = setInterval(() => {}, MAX_TIMER_MS);
  let closed;
  return {
    url: emulator.url,
    port: Number(new URL(emulator.url).port),
    options: resolved,
    /** A connector config pointing at this emulator (see emulatorConnectorConfig). */
    connectorConfig: () => emulatorConnectorConfig(emulator.url, resolved),
    /** Every message delivered so far, oldest first. */
    messages: async () => JSON.parse(emulator.messagesJson()),
    /** The refused API requests, oldest first. */
    refusals: async () => JSON.parse(emulator.refusalsJson()),
    /** Empties the inbox, pending faults and the frequency-limit memory. */
    clear: () => emulator.clear(),
    /** Applies `fault` ({ kind, ..., count = 1 }) to the next `count` API requests. */
    injectFault: (fault) => emulator.injectFault(JSON.stringify(fault)),
    /** How many API requests have arrived. */
    apiRequests: () => emulator.apiRequests(),
    /** How many temporary credentials the metadata service and STS have handed out. */
    credentialRequests: () => emulator.credentialRequests(),
    /** Lets Node exit while the emulator is still open. */
    unref: () => {
      clearInterval(keepAlive);
      keepAlive = undefined;
    },
    close: () => {
      clearInterval(keepAlive);
      closed ??= emulator.close();
      return closed;
    },
  };
};
