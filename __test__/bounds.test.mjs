// Every bound a document states is the one the code enforces: the values come from the
// constants themselves (the addon's `limitsJson`, `crates/tencent-sms-runtime/src/limits.rs`),
// and each phrase below that names a bound, wherever it stands in the documents, must carry that
// value. (The fault table had said 64 requests in flight for a long while after the code said 600.)

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { limits } from '../scripts/tables.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const documents = [
  'README.md',
  'emulator/README.md',
  ...readdirSync(path.join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
  ...readdirSync(path.join(root, 'docs', 'guide')).map((name) => `docs/guide/${name}`),
];

const minutes = (seconds) => seconds / 60;
/** A phrase that states a bound: its pattern (the number in the first group) and its value. */
const phrases = (values) => [
  [/(\d[\d ]*) requests? (?:are )?in flight/g, values.maxInFlight],
  [/at most (\d[\d ]*) in flight/g, values.maxInFlight],
  [/(\d+) s deadline/g, values.sendDeadlineSeconds],
  [/every send answers within (\d+) s/g, values.sendDeadlineSeconds],
  [/cannot start with (\d+) s left/g, values.minTimeToSendSeconds],
  [/handshake times out after (\d+) s/g, values.connectTimeoutSeconds],
  [/(\d+) ms at most/g, values.redisTimeoutMs],
  [/within (\d+) ms per send/g, values.redisTimeoutMs],
  [/Tencent keeps (\d+) days/g, values.receiptDays],
  [/capped at (\d[\d ]*) per rule/g, values.maxLocalCounters],
  [/a queue of (\d[\d ]*)/g, values.logQueueLines],
  [/at most (\d+) ms for the last lines/g, values.exitFlushMs],
  [/avoided for (\d+) s/g, values.breakerOpenSeconds],
  [/After (\d+) unreachable attempts/g, values.breakerFailuresToOpen],
  [/(\d+) minutes before they expire/g, minutes(values.refreshAheadSeconds)],
  [/read again every (\d+) minutes/g, minutes(values.reloadSeconds)],
  [/asked again (\d+) s later/g, values.failureSharedSeconds],
];

test("every bound the documents state is the code's", () => {
  const values = limits();
  let found = 0;
  for (const document of documents) {
    // Phrases wrap across lines; Markdown emphasis does not change them.
    const text = readFileSync(path.join(root, document), 'utf8').replace(/\s+/g, ' ').replaceAll('**', '');
    for (const [pattern, expected] of phrases(values)) {
      for (const match of text.matchAll(pattern)) {
        found += 1;
        assert.equal(Number(match[1].replaceAll(' ', '')), expected, `${document}: "${match[0]}"`);
      }
    }
  }
  assert.ok(found >= 15, `only ${found} stated bounds found: the phrases above no longer match the documents`);
});
