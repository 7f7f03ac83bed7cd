#!/usr/bin/env node
// `tencent-sms-emulator`: runs the Tencent SMS emulator until Ctrl-C or SIGTERM. The command
// line, its help, the health check and the exit codes are the emulator crate's
// (`cli::dispatch`), through the addon: the same command as the container's binary; only the
// wait for a signal is this file's own. Needs nothing but this package.

import { createRequire } from 'node:module';

import { startEmulator } from '../lib/emulator.js';

const native = createRequire(import.meta.url)('../lib/native.cjs');

/** Prints what the command's end says and exits with its code. */
const finish = ({ stdout, stderr, code }) => {
  if (stdout !== undefined) {
    console.log(stdout);
  }
  if (stderr !== undefined) {
    console.error(stderr);
  }
  process.exit(code);
};

const step = JSON.parse(native.dispatch(process.argv.slice(2)));
if (step.exit !== undefined) {
  finish(step.exit);
}
const emulator = await startEmulator(step.run).catch((error) =>
  // napi's InvalidArg: options the emulator refuses (bad usage); anything else: cannot listen.
  finish(JSON.parse(native.startFailure(error.message, error.code === 'InvalidArg'))),
);
console.log(native.banner(emulator.url, JSON.stringify(emulator.options)));
await new Promise((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
await emulator.close();
