// What a connector adds to a Node host that already runs Logto's connector kit and zod:
// `node --expose-gc footprint-child.mjs <impl> <url> <burst sends> <idle seconds>`.
// Prints one JSON line with RSS (MB), threads and open fds, each as the increase over the host
// alone: once the connector is loaded (idle), right after a burst at concurrency 64, and after
// the burst has idled. Linux only (threads and fds come from /proc).

import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

import { implementations, sendConcurrently } from './implementations.mjs';

const [name, url, burstArg, idleArg] = process.argv.slice(2);
const burst = Number(burstArg);
const idleSeconds = Number(idleArg);

await import('@logto/connector-kit');
await import('zod');

const sample = () => {
  globalThis.gc?.();
  const threads = Number(/^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
  return { rssMb: process.memoryUsage().rss / 1_048_576, threads, fds: readdirSync('/proc/self/fd').length };
};
const added = (base, now) => ({ rssMb: now.rssMb - base.rssMb, threads: now.threads - base.threads, fds: now.fds - base.fds });

// Let the host settle (V8's and libuv's own threads start lazily) before the baseline.
await sleep(500);
const host = sample();
const connector = await implementations[name](url);
await sleep(500);
const idle = sample();

const { failed } = await sendConcurrently(connector, burst, 64);
const afterBurst = sample();
await sleep(idleSeconds * 1_000);
const afterIdle = sample();

console.log(
  JSON.stringify({
    name,
    burst,
    idleSeconds,
    failed,
    host,
    idle: added(host, idle),
    afterBurst: added(host, afterBurst),
    afterIdle: added(host, afterIdle),
  }),
);
