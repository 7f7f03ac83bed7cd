// The connector's form as Logto's admin console treats it, without a browser: for each form
// item, the value the console starts from (creating a connector, and editing a saved one), the
// console's own validation of that value, the config it saves, and then the connector's config
// guard and a "Send test" on that config. An operator who fills in the required fields and
// leaves every optional one as shown must be able to save and test.
//
// The console's rules, as Logto 1.42 applies them (written from its behaviour, not its code):
// - Creating: an item starts from its `defaultValue`; a `Json` item from
//   `JSON.stringify(defaultValue)`, so with no `defaultValue` it starts unset while its editor
//   draws `{}`.
// - Editing: a `Json` item starts from the saved value, or `{}` when the key is absent; a text
//   item from the saved value.
// - Validation: a `Json` item must be a string of valid JSON, required or not ("Invalid JSON
//   format"); a required text item must not be empty.
// - Saving: a `Json` item's text is parsed (`{}` when unparsable); empty text fields are dropped.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import createConnector from '../lib/index.js';
import { signIn, startTestEmulator } from './helpers.mjs';

const INVALID_JSON = 'Invalid JSON format';

/** The value an item starts from: creating (`saved` undefined) or editing `saved`. */
const startingValue = (item, saved) => {
  if (saved === undefined) {
    if (item.type === 'Json') {
      return item.defaultValue === undefined ? undefined : JSON.stringify(item.defaultValue, null, 2);
    }
    return item.defaultValue;
  }
  if (item.type === 'Json') {
    return JSON.stringify(saved[item.key] ?? {}, null, 2);
  }
  return saved[item.key];
};

/** The console's error for `value` in `item`, or undefined. */
const consoleError = (item, value) => {
  if (item.type === 'Json') {
    if (typeof value !== 'string') {
      return INVALID_JSON;
    }
    try {
      JSON.parse(value);
    } catch {
      return INVALID_JSON;
    }
    return undefined;
  }
  if (item.required && (value === undefined || value === '')) {
    return 'Required';
  }
  return undefined;
};

/** The config the console saves from the form's values. */
const savedConfig = (items, values) => {
  const config = {};
  for (const item of items) {
    const value = values[item.key];
    if (item.type === 'Json') {
      try {
        config[item.key] = JSON.parse(value);
      } catch {
        config[item.key] = {};
      }
    } else if (value !== undefined && value !== '') {
      config[item.key] = value;
    }
  }
  return config;
};

/** Fills the form: the starting values, then what the operator types (`typed`, by key). */
const fill = (items, typed, saved) => Object.fromEntries(items.map((item) => [item.key, item.key in typed ? typed[item.key] : startingValue(item, saved)]));

const errorsOf = (items, values) =>
  Object.fromEntries(items.map((item) => [item.key, consoleError(item, values[item.key])]).filter(([, error]) => error !== undefined));

let emulator;
let metadata;
let configGuard;
before(async () => {
  emulator = await startTestEmulator();
  ({ metadata, configGuard } = await createConnector({}));
});
after(() => emulator.close());

/** What a new operator types: the required fields and the keys, as the guide says. */
const required = () => {
  const { accessKeyId, accessKeySecret, signName, sdkAppId, region, endpoint, templates } = emulator.connectorConfig();
  // The emulator's endpoint stands in for Tencent's; a real operator leaves Endpoint empty.
  return { accessKeyId, accessKeySecret, signName, sdkAppId, region, endpoint, templates: JSON.stringify(templates, null, 2) };
};

/** Saves `typed` over the form's starting values and checks every step an operator meets. */
const saveAndTest = async (typed, saved) => {
  const items = metadata.formItems;
  const values = fill(items, typed, saved);
  assert.deepEqual(errorsOf(items, values), {}, 'the console accepts the form as shown');
  const config = savedConfig(items, values);
  const guarded = configGuard.safeParse(config);
  assert.ok(guarded.success, `the config guard accepts the saved config: ${JSON.stringify(guarded.error?.issues)}`);
  const connector = await createConnector({ getConfig: async () => config });
  // "Send test": the console's own call, type Generic with code 000000.
  const result = await connector.sendMessage({ to: signIn().to, type: 'Generic', payload: { code: '000000' } }, config);
  assert.equal(result.phoneNumber, `+${signIn().to}`);
  return config;
};

describe("the console form, by the console's rules", () => {
  test('every optional JSON item starts as JSON the console accepts, creating and editing', () => {
    for (const item of metadata.formItems.filter((i) => i.type === 'Json')) {
      assert.equal(consoleError(item, startingValue(item, undefined)), undefined, `${item.key} on create`);
      assert.equal(consoleError(item, startingValue(item, {})), undefined, `${item.key} on edit`);
    }
  });

  test('filled in as the guide says and every optional item left as shown, it saves and sends; the optional JSON items are not used', async () => {
    const config = await saveAndTest(required());
    for (const key of ['credentials', 'internationalSite', 'guard']) {
      assert.deepEqual(config[key], {}, `${key} is saved as {}`);
    }
    emulator.clear();
    const connector = await createConnector({ getConfig: async () => config });
    // Not used: no second site, no guard (an IP is never limited), keys from the form.
    for (let n = 0; n < 3; n += 1) {
      await connector.sendMessage({ ...signIn(), ip: '203.0.113.77' });
    }
    assert.equal((await emulator.messages()).length, 3);
  });

  test('each optional item filled in saves and sends too', async () => {
    const { accessKeySecret } = emulator.connectorConfig();
    const filled = {
      senderId: 'LOGTO',
      backupEndpoint: emulator.connectorConfig().endpoint,
      guard: JSON.stringify({ allowedCountries: ['CN'], perIp: { max: 10, windowSeconds: 3600 } }),
      internationalSite: JSON.stringify({ region: 'ap-guangzhou' }),
      credentials: JSON.stringify({ source: 'config' }),
    };
    for (const [key, value] of Object.entries(filled)) {
      await saveAndTest({ ...required(), [key]: value });
    }
    // The international site's secret in the masked field instead of the JSON editor.
    const masked = await saveAndTest({
      ...required(),
      internationalSite: JSON.stringify({ accessKeyId: emulator.connectorConfig().accessKeyId }),
      internationalAccessKeySecret: accessKeySecret,
    });
    assert.equal(masked.internationalAccessKeySecret, accessKeySecret);
  });

  test('editing a saved config, and a config saved by the official connector, starts valid and saves the same', async () => {
    const saved = await saveAndTest(required());
    const again = await saveAndTest({}, saved);
    assert.deepEqual(again, saved);
    const official = { ...emulator.connectorConfig() };
    const edited = await saveAndTest({}, official);
    for (const key of ['credentials', 'internationalSite', 'guard']) {
      assert.deepEqual(edited[key], {}, `${key}, absent from the official config, is saved as {}`);
    }
  });

  test('an emptied JSON editor is refused by the console, and every JSON item says what {} means', () => {
    for (const item of metadata.formItems.filter((i) => i.type === 'Json' && !i.required)) {
      assert.equal(consoleError(item, ''), INVALID_JSON);
      assert.match(item.description, /\{\} = /, `${item.key} tells the operator to type {}`);
    }
  });

  test('secrets are masked: every key or secret typed into the form is in a confidential text field', () => {
    for (const item of metadata.formItems) {
      if (/Secret$/.test(item.key)) {
        assert.deepEqual([item.type, item.isConfidential], ['Text', true], item.key);
      }
    }
    const international = metadata.formItems.find((i) => i.key === 'internationalSite');
    assert.match(international.description, /masked/);
  });

  test('the everyday fields come first, the advanced ones after them; nothing points at a guide "below"', () => {
    const keys = metadata.formItems.map((i) => i.key);
    const advanced = ['endpoint', 'backupEndpoint', 'credentials', 'internationalSite', 'internationalAccessKeySecret', 'guard'];
    const everyday = ['accessKeyId', 'accessKeySecret', 'signName', 'sdkAppId', 'region', 'templates', 'senderId'];
    assert.deepEqual(keys, [...everyday, ...advanced]);
    for (const item of metadata.formItems) {
      assert.doesNotMatch(item.description ?? '', /below/, `${item.key}: the guide is a panel at the left or a drawer`);
    }
  });
});
