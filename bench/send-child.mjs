// One measurement in a fresh process:
// `node send-child.mjs <impl> <emulatorUrl> <concurrency> <count> [warmup = 1000]`.
// Prints one JSON line: throughput, latency percentiles, event-loop and process CPU per send, RSS.

import { performance } from 'node:perf_hooks';

import { implementations, sendConcurrently } from './implementations.mjs';

const [name, emulatorUrl, concurrencyArg, countArg, warmupArg = '1000'] = process.argv.slice(2);
const concurrency = Number(concurrencyArg);
const count = Number(countArg);
const warmup = Number(warmupArg);
const connector = await implementations[name](emulatorUrl);

const run = (total, latencies) => sendConcurrently(connector, total, concurrency, latencies);

await run(Math.min(warmup, count), undefined);
// Allocated before the start reading, so the memory figures see only what the sends keep.
const latencies = new Float64Array(count);
globalThis.gc?.();
const { rss: rssStart, heapUsed: heapStart } = process.memoryUsage();
const elu = performance.eventLoopUtilization();
const cpu = process.cpuUsage();
const started = performance.now();
const { failed, firstError } = await run(count, latencies);
const seconds = (performance.now() - started) / 1_000;
const eluUsed = performance.eventLoopUtilization(elu);
const cpuUsed = process.cpuUsage(cpu);
globalThis.gc?.();
const { rss: rssEnd, heapUsed: heapEnd } = process.memoryUsage();

latencies.sort();
const percentile = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] * 1_000;
console.log(
  JSON.stringify({
    name,
    concurrency,
    count,
    failed,
    firstError,
    sendsPerSecond: count / seconds,
    p50Us: percentile(50),
    p99Us: percentile(99),
    eventLoopUsPerSend: (eluUsed.active * 1_000) / count,
    cpuUsPerSend: (cpuUsed.user + cpuUsed.system) / count,
    rssStartMb: rssStart / 1_048_576,
    rssEndMb: rssEnd / 1_048_576,
    // Live JS objects after a full GC: growth here is a leak, while RSS also moves when V8
    // resizes its heap to the allocation rate.
    heapStartMb: heapStart / 1_048_576,
    heapEndMb: heapEnd / 1_048_576,
  }),
);
