// A cold start in a fresh process: `node cold-child.mjs <impl> <url>`. Prints one JSON line: the
// time to import and create the connector, its first send (DNS lookup, TCP connect, TLS
// handshake and certificate check included) and its second send (on the kept connection), in ms.

import { performance } from 'node:perf_hooks';

import { MESSAGE, implementations } from './implementations.mjs';

const [name, url] = process.argv.slice(2);
const timed = async (work) => {
  const started = performance.now();
  await work();
  return performance.now() - started;
};

let connector;
const importMs = await timed(async () => {
  connector = await implementations[name](url);
});
const firstSendMs = await timed(() => connector.sendMessage(MESSAGE));
const secondSendMs = await timed(() => connector.sendMessage(MESSAGE));
console.log(JSON.stringify({ name, importMs, firstSendMs, secondSendMs }));
