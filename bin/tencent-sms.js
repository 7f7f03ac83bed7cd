#!/usr/bin/env node
// `tencent-sms`: the connector from a shell. `send` is the admin console's "Send test" with
// your real credentials, `check-config` prints every validation issue. (The emulator is its
// own package and command, `tencent-sms-emulator`.) Secrets are never printed: only codes,
// paths and Tencent's messages.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import createConnector, { configGuard, deliveryStatus, describeCredentials, doctor, mainlandNumberMeant } from '../lib/index.js';

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

const HELP = {
  main: `usage: tencent-sms <command> [options]

commands:
  send --config FILE --to NUMBER [--type TYPE] [--code CODE]   send one message for real
  check-config FILE                                            print every config issue
  doctor --config FILE [--json]                                check the config against the live account
  status --config FILE --to NUMBER [--since DURATION] [--json] delivery receipts of a number

The Tencent SMS emulator is its own command: tencent-sms-emulator (npm tencent-sms-emulator).

Run "tencent-sms <command> --help" for details.
Exit codes: 0 success, 1 the send or the check failed, 2 bad usage or unreadable file.`,
  send: `usage: tencent-sms send --config FILE --to NUMBER [--type TYPE] [--code CODE]

Sends one message through the connector with the config in FILE (the JSON you would save in
Logto's admin console), like the console's "Send test".
  --to NUMBER   digits with country code, as Logto passes them (8613711112222); a mainland
                mobile typed without 86 is refused with the number it probably meant
  --type TYPE   Logto template type (default Generic)
  --code CODE   the code to send (default: six random digits)
Prints the result, or the error's code and description. Exit 0 sent, 1 failed, 2 usage.`,
  doctor: `usage: tencent-sms doctor --config FILE [--json]

Checks the config in FILE against the live Tencent account, site by site, with read-only calls
(it never sends an SMS): the keys sign (clock skew reported), the SdkAppId and region answer,
every sign and template used exists and is live, templates are of the right kind and have as
many placeholders as their params, and each message type, region and language gets a live
template. Every problem names the config key to change; a check that could not run because
another failed says so ("skipped"). --json prints
{ "ok": bool, "checks": [{ "id", "ok", "skipped"?, "key"?, "message" }] } on stdout whatever the
exit code (an unreadable config file is one failing check).
Exit 0 all pass, 1 any fails, 2 bad usage or unreadable file.`,
  status: `usage: tencent-sms status --config FILE --to NUMBER [--since DURATION] [--json]

The delivery receipts of NUMBER (digits with country code) from every site of the config:
when it was received, SerialNo, delivered or failed, and the carrier's description.
  --since DURATION   how far back: 30m, 12h, 3d (default 24h; Tencent keeps 7 days)
--json prints [{ "serialNo", "phoneNumber", "status", "description", "sentAt", "receivedAt" }].
Exit 0, 1 when Tencent refused the query, 2 bad usage (a NUMBER that is not digits included).`,
  'check-config': `usage: tencent-sms check-config FILE

Validates the connector config in FILE and prints every issue; for a valid one, reads its keys as a
send would and prints where they came from (credentials.source). Exit 0 valid, 1 invalid or no
keys, 2 unreadable.`,
};

class UsageError extends Error {}

/** A phone number as the command line takes it: digits with the country code, `+` allowed. */
const NUMBER = /^\+?\d{4,17}$/;

const readJson = (file) => {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${error.code ?? 'unreadable'}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    // V8's message quotes the text, which may hold the secret: say only what is wrong.
    throw new UsageError(`${file} is not valid JSON`);
  }
};

const parse = (args, options, allowPositionals = false) => {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(error.message);
  }
};

const describeIssues = (issues) => issues.map((issue) => `  ✗ ${issue.path.join('.') || '(config)'}: ${issue.message}`).join('\n');

const describeError = (error) => {
  const data = error.data ?? {};
  if (Array.isArray(data.issues)) {
    const said = data.tencentCode ? `${data.tencentCode}: Tencent refused the config` : 'the config is invalid';
    const requestId = data.requestId ? ` (RequestId ${data.requestId})` : '';
    return `${error.code}: ${said}${requestId}\n${describeIssues(data.issues)}`;
  }
  const parts = [data.errorDescription ?? data.message ?? error.code];
  if (data.requestId) {
    parts.push(`(RequestId ${data.requestId})`);
  }
  return `${error.code}: ${parts.join(' ')}`;
};

/** `keys: chain (environment)` per site: where the keys came from, never the keys. */
const describeSources = (reports) =>
  reports.map(({ site, source, used }) => `keys (${site}): credentials.source ${source}${used === source ? '' : ` → ${used}`}`).join('\n');

/**
 * A command's options: `undefined` after printing its help when asked for, a UsageError saying
 * it `needs` what is missing of `required`.
 */
const optionsOf = (command, args, spec, required, needs) => {
  const { values } = parse(args, spec);
  if (values.help) {
    console.log(HELP[command]);
    return undefined;
  }
  if (required.some((name) => !values[name])) {
    throw new UsageError(`${command} needs ${needs}`);
  }
  return values;
};

/** A `ConnectorError` printed as the command's failure (exit 1); anything else is a bug, rethrown. */
const failedWith = (error) => {
  if (typeof error?.code !== 'string') {
    throw error;
  }
  console.error(`error: ${describeError(error)}`);
  return EXIT_FAILED;
};

/** `30m`, `12h`, `3d` as seconds; undefined when it is none of those. */
const durationSeconds = (text) => {
  const match = /^(\d+)([mhd])$/.exec(text ?? '');
  return match ? Number(match[1]) * { m: 60, h: 3_600, d: 86_400 }[match[2]] : undefined;
};

const iso = (seconds) => (typeof seconds === 'number' ? new Date(seconds * 1_000).toISOString() : null);

const commands = {
  async doctor(args) {
    const values = optionsOf('doctor', args, { config: { type: 'string' }, json: { type: 'boolean' } }, ['config'], '--config FILE');
    if (!values) {
      return EXIT_OK;
    }
    let report;
    try {
      report = await doctor(readJson(values.config));
    } catch (error) {
      if (error instanceof UsageError && values.json) {
        // With --json, stdout is always the report, whatever the exit code.
        console.log(JSON.stringify({ ok: false, checks: [{ id: 'config', ok: false, message: error.message }] }, null, 2));
        return EXIT_USAGE;
      }
      if (typeof error?.code !== 'string') {
        throw error;
      }
      report = { ok: false, checks: [{ id: 'connector', ok: false, message: describeError(error) }] };
    }
    if (values.json) {
      console.log(JSON.stringify(report, null, 2));
    } else {
      for (const check of report.checks) {
        console.log(`${check.ok ? '✓' : '✗'} ${check.message}${check.key ? `  [${check.key}]` : ''}`);
      }
      console.log(report.ok ? 'All checks passed.' : `${report.checks.filter((c) => !c.ok).length} check(s) failed.`);
    }
    return report.ok ? EXIT_OK : EXIT_FAILED;
  },

  async status(args) {
    const spec = { config: { type: 'string' }, to: { type: 'string' }, since: { type: 'string' }, json: { type: 'boolean' } };
    const values = optionsOf('status', args, spec, ['config', 'to'], '--config FILE and --to NUMBER');
    if (!values) {
      return EXIT_OK;
    }
    const since = durationSeconds(values.since ?? '24h');
    if (since === undefined || since > 7 * 86_400) {
      throw new UsageError('--since is a duration such as 30m, 12h or 3d, at most 7d');
    }
    if (!NUMBER.test(values.to)) {
      throw new UsageError(`--to ${values.to} is not a phone number: digits with the country code, e.g. 8613711112222`);
    }
    const config = readJson(values.config);
    try {
      const receipts = await deliveryStatus(config, values.to, Math.floor(Date.now() / 1_000) - since);
      const rows = receipts.map((r) => ({
        serialNo: r.serialNo,
        phoneNumber: r.phoneNumber,
        status: r.status,
        description: r.description,
        sentAt: iso(r.sentAt),
        receivedAt: iso(r.receivedAt),
      }));
      if (values.json) {
        console.log(JSON.stringify(rows, null, 2));
      } else if (rows.length === 0) {
        console.log(`no receipt for ${values.to} in the last ${values.since ?? '24h'}`);
      } else {
        for (const row of rows) {
          console.log(`${row.receivedAt ?? 'not yet'}  ${row.status.padEnd(9)} ${row.description.padEnd(10)} SerialNo ${row.serialNo}  ${row.phoneNumber}`);
        }
      }
      return EXIT_OK;
    } catch (error) {
      return failedWith(error);
    }
  },

  async send(args) {
    const spec = { config: { type: 'string' }, to: { type: 'string' }, type: { type: 'string' }, code: { type: 'string' } };
    const values = optionsOf('send', args, spec, ['config', 'to'], '--config FILE and --to NUMBER');
    if (!values) {
      return EXIT_OK;
    }
    const meant = mainlandNumberMeant(values.to);
    if (meant !== null) {
      throw new UsageError(
        `--to ${values.to} is no valid number with its country code (it reads as +${values.to.replace(/^\+/, '')}); a mainland China mobile needs 86 in front: did you mean --to ${meant.slice(1)}?`,
      );
    }
    const config = readJson(values.config);
    const connector = await createConnector({ getConfig: async () => config });
    const code = values.code ?? String(Math.floor(100_000 + Math.random() * 900_000));
    try {
      console.log(describeSources(await describeCredentials(config)));
      const result = await connector.sendMessage({ to: values.to, type: values.type ?? 'Generic', payload: { code } }, config);
      console.log(
        `sent code ${code} to ${result.phoneNumber}: RequestId ${result.requestId}, SerialNo ${result.serialNo}, fee ${result.fee}, ${result.isoCode}`,
      );
      return EXIT_OK;
    } catch (error) {
      return failedWith(error);
    }
  },

  async 'check-config'(args) {
    const { values, positionals } = parse(args, {}, true);
    if (values.help) {
      console.log(HELP['check-config']);
      return EXIT_OK;
    }
    if (positionals.length !== 1) {
      throw new UsageError('check-config needs exactly one FILE');
    }
    const config = readJson(positionals[0]);
    const result = configGuard.safeParse(config);
    if (result.success) {
      console.log(`✓ ${positionals[0]} is a valid connector config`);
      try {
        console.log(describeSources(await describeCredentials(config)));
      } catch (error) {
        console.log(`✗ ${describeError(error)}`);
        return EXIT_FAILED;
      }
      return EXIT_OK;
    }
    console.log(`${positionals[0]} has ${result.error.issues.length} issue(s):\n${describeIssues(result.error.issues)}`);
    return EXIT_FAILED;
  },
};

const main = async (argv) => {
  const [command, ...args] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP.main);
    return EXIT_OK;
  }
  if (!commands[command]) {
    console.error(command ? `tencent-sms: unknown command "${command}"\n\n${HELP.main}` : HELP.main);
    return EXIT_USAGE;
  }
  try {
    return await commands[command](args);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`tencent-sms ${command}: ${error.message}\n\n${HELP[command]}`);
      return EXIT_USAGE;
    }
    throw error;
  }
};

process.exitCode = await main(process.argv.slice(2));
