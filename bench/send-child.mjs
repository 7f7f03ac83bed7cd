// One measurement in a fresh process: `node send-child.mjs <impl> <emulatorUrl> <concurrency> <count>`.
// Prints one JSON line: throughput, latency percentiles, event-loop and process CPU per send, RSS.

import { performance } from 'node:perf_hooks';

import { MESSAGE, implementations } from './implementations.mjs';

const [name, emulatorUrl, concurrencyArg, countArg] = process.argv.slice(2);
const concurrency = Number(concurrencyArg);
const count = Number(countArg);
const connector = await implementations[name](emulatorUrl);

const run = async (total, latencies) => {
  let next = 0;
  let failed = 0;
  let firstError;
  const worker = async () => {
    while (next < total) {
      next += 1;
      const started = performance.now();
      try {
        await connector.sendMessage(MESSAGE);
      } catch (error) {
        failed += 1;
        firstError ??= `${error.code}: ${error.message}`;
      }
      latencies?.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { failed, firstError };
};

await run(Math.min(1_000, count), undefined);
globalThis.gc?.();
const rssStart = process.memoryUsage().rss;
const latencies = [];
const elu = performance.eventLoopUtilization();
const cpu = process.cpuUsage();
const started = performance.now();
const { failed, firstError } = await run(count, latencies);
const seconds = (performance.now() - started) / 1_000;
const eluUsed = performance.eventLoopUtilization(elu);
const cpuUsed = process.cpuUsage(cpu);
globalThis.gc?.();
const rssEnd = process.memoryUsage().rss;

latencies.sort((a, b) => a - b);
const percentile = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] * 1_000;
console.log(JSON.stringify({
  name, concurrency, count, failed, firstError,
  sendsPerSecond: count / seconds,
  p50Us: percentile(50),
  p99Us: percentile(99),
  eventLoopUsPerSend: (eluUsed.active * 1_000) / count,
  cpuUsPerSend: (cpuUsed.user + cpuUsed.system) / count,
  rssStartMb: rssStart / 1_048_576,
  rssEndMb: rssEnd / 1_048_576,
}));
