// The entry Logto imports (`lib/index.js`, default export `createConnector`).
//
// This file only adapts: it reads the config through `getConfig`, hands JSON text to the Rust
// core, and turns the core's outcomes into the host's `ConnectorError`, because Logto checks
// `instanceof ConnectorError` against its own copy of @logto/connector-kit. Signing,
// validation, the request, the response and error classification all happen in Rust.

import { createRequire } from 'node:module';

import { ConnectorError, ConnectorErrorCodes, ConnectorType } from '@logto/connector-kit';

const native = createRequire(import.meta.url)('./native.cjs');

// The host's zod, when it resolves, so Logto prints a readable `details` for config errors.
const { ZodError } = await import('zod').catch(() => ({ ZodError: undefined }));

export const metadata = JSON.parse(native.metadataJson());

// The send log is written off the sends' path (a full or closed stderr never touches a send);
// its last lines are written before the process exits, waiting at most 200 ms.
process.once('exit', () => native.flushStderr());

const knownCodes = new Set(Object.values(ConnectorErrorCodes));

/**
 * A code the host's kit lacks falls back: `usage_limit_exceeded` is missing from the npm releases
 * 5.0.x and 5.1.0 (Logto 1.42's own kit has it), so those hosts get `rate_limit_exceeded`.
 */
const hostCode = (code) => {
  if (knownCodes.has(code)) {
    return code;
  }
  return code === 'usage_limit_exceeded' ? ConnectorErrorCodes.RateLimitExceeded : ConnectorErrorCodes.General;
};

const toZodError = (issues) => (typeof ZodError === 'function' ? new ZodError(issues) : { name: 'ZodError', issues });

/** JSON text for the core; `undefined` when the value cannot be JSON (BigInt, cycles). */
const toJson = (value) => {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return undefined;
  }
};

const validate = (input) => {
  const json = toJson(input);
  if (json === undefined) {
    return { success: false, issues: [{ code: 'custom', path: [], message: 'The config must be JSON data' }] };
  }
  return JSON.parse(native.validateConfig(json));
};

/** zod-compatible guard; validation itself runs in Rust. Unknown keys are kept. */
export const configGuard = Object.freeze({
  safeParse(input) {
    const result = validate(input);
    return result.success ? { success: true, data: input } : { success: false, error: toZodError(result.issues) };
  },
  parse(input) {
    const result = configGuard.safeParse(input);
    if (!result.success) {
      throw result.error;
    }
    return result.data;
  },
});

/**
 * Issues travel as the host's `ZodError`, the only data Logto's console prints as details. A
 * Tencent refusal keeps Tencent's code and RequestId on it (they appear in the response body).
 */
const toConnectorError = ({ code, data }) => {
  if (!Array.isArray(data?.issues)) {
    return new ConnectorError(hostCode(code), data);
  }
  const { issues, tencentCode, requestId } = data;
  const zodError = toZodError(issues);
  if (tencentCode !== undefined) {
    Object.assign(zodError, requestId === undefined ? { tencentCode } : { tencentCode, requestId });
  }
  return new ConnectorError(hostCode(code), zodError);
};

const describe = (error) => String(error?.message ?? error).slice(0, 200);

/** The config as JSON text for the core, or the `invalid_config` error it deserves. */
const configJsonOf = (config) => {
  const json = toJson(config);
  if (json === undefined) {
    throw new ConnectorError(ConnectorErrorCodes.InvalidConfig, toZodError(validate(config).issues));
  }
  return json;
};

/**
 * Outcomes of native calls, matched by id. The native side reports through one callback per
 * module instance, which is far cheaper per send than a native Promise per call. While any call
 * is in flight the keep-alive timer is ref'd, so Node waits for it (the sockets live in Rust,
 * where Node cannot see them); when none is, it is unref'd, so Node exits promptly after the
 * last send. Toggling the ref is cheaper than making a timer per send.
 */
const inFlight = new Map();
let lastId = 0;
const keepAlive = setInterval(() => {}, 2 ** 31 - 1);
keepAlive.unref();

const finish = (id) => {
  const resolve = inFlight.get(id);
  inFlight.delete(id);
  if (inFlight.size === 0) {
    keepAlive.unref();
  }
  return resolve;
};

const dispatcher = new native.Dispatcher((id, outcomeJson) => finish(id)?.(outcomeJson));

/** Starts `start(id)` and resolves with the outcome JSON reported for that id. */
const callNative = (start) =>
  new Promise((resolve) => {
    lastId = (lastId + 1) >>> 0;
    const id = lastId;
    inFlight.set(id, resolve);
    if (inFlight.size === 1) {
      keepAlive.ref();
    }
    try {
      start(id);
    } catch (error) {
      finish(id);
      throw error;
    }
  });

/** Awaits a core call's `{ ok, result | error }` JSON; anything else is an internal error. */
const resultOf = async (call) => {
  let outcome;
  try {
    outcome = JSON.parse(await call());
  } catch (error) {
    throw new ConnectorError(ConnectorErrorCodes.General, {
      errorDescription: `connector-tencent-sms-rs internal error: ${describe(error)}`,
    });
  }
  if (outcome.ok) {
    return outcome.result;
  }
  throw toConnectorError(outcome.error);
};

const createSendMessage = (getConfig) => async (data, inputConfig) => {
  // An error from getConfig propagates unchanged, as Logto expects.
  const configJson = configJsonOf(inputConfig ?? (await getConfig(metadata.id)));
  const dataJson = toJson(data);
  if (dataJson === undefined) {
    throw new ConnectorError(ConnectorErrorCodes.InvalidRequestParameters, {
      errorDescription: 'sendMessage data must be JSON data { to, type, payload }',
    });
  }
  return resultOf(() => callNative((id) => dispatcher.sendMessage(id, configJson, dataJson)));
};

/**
 * `startFrom` as Unix seconds, `undefined` for none. Anything `new Date` cannot read (a Symbol, a
 * BigInt, a throwing `valueOf` or Proxy) is a ConnectorError like every other failure.
 */
const startSecondsOf = (startFrom) => {
  if (startFrom === undefined || startFrom === null) {
    return undefined;
  }
  let seconds;
  try {
    seconds = new Date(startFrom).getTime() / 1_000;
  } catch {
    seconds = Number.NaN;
  }
  if (!Number.isFinite(seconds)) {
    throw new ConnectorError(ConnectorErrorCodes.InvalidRequestParameters, { errorDescription: 'startFrom must be a valid Date' });
  }
  return seconds;
};

const createGetUsage = (getConfig) => async (startFrom) => {
  const configJson = configJsonOf(await getConfig(metadata.id));
  const seconds = startSecondsOf(startFrom);
  return resultOf(() => callNative((id) => dispatcher.getUsage(id, configJson, seconds)));
};

/**
 * Where each site's keys come from: `[{ site, source, used }]`, `used` being the source that
 * gave them (the chain's choice). Reads them as a send would (the metadata service or STS for a
 * role); for the `tencent-sms` command line, not for Logto.
 */
export const describeCredentials = async (config) => {
  const configJson = configJsonOf(config);
  return resultOf(() => callNative((id) => dispatcher.describeCredentials(id, configJson)));
};

/**
 * Checks a config against the live Tencent account with read-only calls: `{ ok, checks }`, each
 * check `{ id, ok, key?, message }` (`key` is the config path to change). For the command line.
 */
export const doctor = async (config) => {
  const configJson = toJson(config) ?? 'null';
  const checks = await resultOf(() => callNative((id) => dispatcher.doctor(id, configJson)));
  return { ok: checks.every((check) => check.ok), checks };
};

/** Delivery receipts of `to` since `sinceSeconds` (Unix), from every site. For the command line. */
export const deliveryStatus = async (config, to, sinceSeconds) => {
  const configJson = configJsonOf(config);
  return resultOf(() => callNative((id) => dispatcher.deliveryStatus(id, configJson, String(to), sinceSeconds)));
};

/**
 * The mainland China number (`+86…`) that `digits` probably meant when a person typed a mainland
 * mobile without 86 (`13711112222` reads as +1 371…, which no plan has); `null` otherwise. For the
 * command line: Logto's numbers always carry their country code, and are read as they are.
 */
export const mainlandNumberMeant = (digits) => native.mainlandNumberMeant(String(digits)) ?? null;

/**
 * Logto calls this for every connector row on many requests: it stays cheap, never calls
 * `getConfig` and does no I/O. The result is a plain object because Logto spreads it.
 */
const createConnector = async ({ getConfig } = {}) => ({
  metadata,
  type: ConnectorType.Sms,
  configGuard,
  sendMessage: createSendMessage(getConfig),
  getUsage: createGetUsage(getConfig),
});

export default createConnector;
