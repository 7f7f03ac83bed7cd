// A Logto-like install for tests: `npm pack` of this package unpacked into
// <tmp>/core/connectors/connector-tencent-sms-rs, beside <tmp>/core/node_modules holding the
// host's @logto/connector-kit (any version) and zod, as `logto connector add` leaves it.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
let tarball;

/**
 * Packs once per process, into a folder removed when the process exits; `CONNECTOR_TARBALL`
 * names an existing tarball to use instead (the release checks the one it publishes).
 */
const pack = () => {
  tarball ??= process.env.CONNECTOR_TARBALL;
  if (!tarball) {
    const into = mkdtempSync(path.join(os.tmpdir(), 'connector-pack-'));
    process.once('exit', () => rmSync(into, { recursive: true, force: true }));
    const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', into], { cwd: root, encoding: 'utf8' }).trim().split('\n').at(-1);
    tarball = path.join(into, name);
  }
  return tarball;
};

const packageDir = (name) => path.dirname(realpathSync(require.resolve(`${name}/package.json`)));

/** `kit` is the npm name the host's connector-kit is installed under here. */
export const installIntoLogtoCore = ({ kit = '@logto/connector-kit' } = {}) => {
  const workdir = mkdtempSync(path.join(os.tmpdir(), 'logto-core-'));
  const packagePath = path.join(workdir, 'core', 'connectors', 'connector-tencent-sms-rs');
  mkdirSync(packagePath, { recursive: true });
  execFileSync('tar', ['-xzf', pack(), '-C', packagePath, '--strip-components=1']);
  const hostModules = path.join(workdir, 'core', 'node_modules');
  mkdirSync(path.join(hostModules, '@logto'), { recursive: true });
  symlinkSync(packageDir(kit), path.join(hostModules, '@logto', 'connector-kit'));
  symlinkSync(packageDir('zod'), path.join(hostModules, 'zod'));
  return { packagePath, hostKitDir: packageDir(kit), cleanup: () => rmSync(workdir, { recursive: true, force: true }) };
};
