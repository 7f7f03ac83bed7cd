// `node import-child.mjs <impl>`: the time to `import` the implementation's entry file, in ms.

import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

import { entryOf } from './implementations.mjs';

const started = performance.now();
await import(pathToFileURL(entryOf(process.argv[2])).href);
console.log(JSON.stringify({ importMs: performance.now() - started }));
