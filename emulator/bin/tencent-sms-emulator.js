#!/usr/bin/env node
// `tencent-sms-emulator`: runs the Tencent SMS emulator until Ctrl-C or SIGTERM. The command
// line, its help and the health check are the emulator crate's (`cli`), through the addon: the
// same command as the container's binary. Needs nothing but this package.

import { createRequire } from 'node:module';

import { startEmulator } from '../lib/emulator.js';

const native = createRequire(import.meta.url)('../lib/native.cjs');

const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

const fail = (code, message, usage) => {
  console.error(`tencent-sms-emulator: ${message}${usage ? `\n\n${usage}` : ''}`);
  process.exit(code);
};

const command = JSON.parse(native.parseCommandLine(process.argv.slice(2)));
if (command.error !== undefined) {
  fail(EXIT_USAGE, command.error, native.usage());
}
if (command.help) {
  console.log(native.usage());
  process.exit(0);
}
if (command.checkHealth !== undefined) {
  const why = native.checkHealth(command.checkHealth);
  if (why) {
    fail(EXIT_FAILURE, why);
  }
  process.exit(0);
}
const emulator = await startEmulator(command.run).catch((error) =>
  // napi's InvalidArg: options the emulator refuses (bad usage); anything else: cannot listen.
  error.code === 'InvalidArg' ? fail(EXIT_USAGE, error.message, native.usage()) : fail(EXIT_FAILURE, error.message),
);
console.log(native.banner(emulator.url, JSON.stringify(emulator.options)));
await new Promise((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
await emulator.close();
