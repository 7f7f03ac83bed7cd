// bench/results.md from the run's medians: the TLS table first, then plain HTTP, cold start,
// footprint, the rest, and the targets.

const fmt = (value, digits = 0) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ratio = (a, b) => `${fmt(a / b, 2)}×`;
const percent = (a, b) => `${fmt((100 * a) / b)} %`;
const signed = (value, digits = 0) => `${value > 0 ? '+' : ''}${fmt(value, digits)}`;
const table = (header, rows) =>
  [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');

/** Sends/s at concurrency `c` (1 or 64), for every client, and ours against each. */
const sendsRow = ({ official, ours, limit, parked }, c) => {
  const key = `c${c}`;
  return [
    `sends/s, concurrency ${c}`,
    fmt(official[key]),
    fmt(ours[key]),
    fmt(limit[key]),
    fmt(parked[key]),
    ratio(ours[key], official[key]),
    percent(ours[key], limit[key]),
    percent(ours[key], parked[key]),
  ];
};

/** p50 / p99 latency at concurrency `c` (1 or 64): the official and ours. */
const latencyRow = ({ official, ours }, c) => {
  const [p50, p99] = [`p50c${c}`, `p99c${c}`];
  return [
    `p50 / p99 latency, c=${c} (µs)`,
    `${fmt(official[p50])} / ${fmt(official[p99])}`,
    `${fmt(ours[p50])} / ${fmt(ours[p99])}`,
    '',
    '',
    ratio(ours[p50], official[p50]),
    '',
    '',
  ];
};

/** Sends/s, latency, event loop and CPU for one transport. */
const transportTable = (clients) => {
  const { official, ours, limit, parked } = clients;
  return table(
    ['metric', 'official 1.4.4', 'ours', 'raw client', 'raw client, parking', 'ours / official', 'ours / raw', 'ours / parking'],
    [
      sendsRow(clients, 1),
      sendsRow(clients, 64),
      [
        'time per send, c=1 (µs)',
        fmt(1e6 / official.c1),
        fmt(1e6 / ours.c1),
        fmt(1e6 / limit.c1),
        fmt(1e6 / parked.c1),
        ratio(official.c1, ours.c1),
        '',
        ratio(parked.c1, ours.c1),
      ],
      latencyRow(clients, 1),
      latencyRow(clients, 64),
      ['event-loop busy time per send, c=64 (µs)', fmt(official.elu, 1), fmt(ours.elu, 1), '', '', ratio(ours.elu, official.elu), '', ''],
      ['whole-process CPU per send, c=64 (µs)', fmt(official.cpu, 1), fmt(ours.cpu, 1), '', '', ratio(ours.cpu, official.cpu), '', ''],
    ],
  );
};

const footprintCell = ({ rssMb, threads, fds }) => `${signed(rssMb, 1)} MB, ${signed(threads)} threads, ${signed(fds)} fds`;

export const renderMarkdown = (summary, setup) => {
  const { tls, http, official, ours } = summary;
  const documentedPool = ours.footprint.idle;
  const quiet = ours.footprint.afterIdle.threads <= documentedPool.threads && ours.footprint.afterIdle.fds <= documentedPool.fds;
  const guard =
    ours.guardUs.redisUs === null
      ? `${fmt(ours.guardUs.inProcessUs, 1)} in-process (no redis-server here)`
      : `${fmt(ours.guardUs.inProcessUs, 1)} in-process / ${fmt(ours.guardUs.redisUs, 0)} with Redis`;
  const targets = [
    ['≥ 10× the official sends/s at c=64 (TLS)', tls.ours.c64 / tls.official.c64 >= 10, ratio(tls.ours.c64, tls.official.c64)],
    ['≤ 1/25 of its event-loop time per send (TLS)', tls.ours.elu / tls.official.elu <= 1 / 25, ratio(tls.ours.elu, tls.official.elu)],
    ['≥ 60 % of the raw client at c=64 (TLS)', tls.ours.c64 / tls.limit.c64 >= 0.6, percent(tls.ours.c64, tls.limit.c64)],
    ['c=1 within 1.25× of the parking raw client (TLS)', tls.parked.c1 / tls.ours.c1 <= 1.25, ratio(tls.parked.c1, tls.ours.c1)],
    ['first send ≤ 0.5× the official’s (fresh process, TLS)', ours.firstSendMs / official.firstSendMs <= 0.5, ratio(ours.firstSendMs, official.firstSendMs)],
    ['`.node` ≤ 3.5 MB', ours.nodeSizeMb <= 3.5, `${fmt(ours.nodeSizeMb, 2)} MB`],
    [
      `nothing beyond the loaded runtime ${setup.footprintIdleSeconds} s after a burst`,
      quiet,
      `${signed(ours.footprint.afterIdle.threads)} threads, ${signed(ours.footprint.afterIdle.fds)} fds (loaded: ${signed(documentedPool.threads)}, ${signed(documentedPool.fds)})`,
    ],
    [`flat RSS over ${fmt(setup.rssSends)} sends`, ours.rssEnd - ours.rssStart < 20, `${fmt(ours.rssEnd - ours.rssStart, 1)} MB`],
  ];
  return [
    `Benchmark: ${setup.date}, ${setup.machine}. Medians of ${setup.rounds} rounds; each client in its own process against the`,
    `emulator on loopback (${setup.counts[1]} sends at c=1, ${setup.counts[64]} at c=64 per round), which serves HTTPS with a throwaway CA's`,
    'certificate (TLS 1.3, ECDSA P-256). The raw client re-sends one pre-signed request from tokio tasks; the parking one starts',
    'each request from a thread outside the runtime and waits there for its outcome, as a connector must.',
    '',
    '**Over HTTPS** (what production pays)',
    '',
    transportTable(tls),
    '',
    '**Over plain HTTP** (for continuity with earlier runs)',
    '',
    transportTable(http),
    '',
    `**Cold start** (HTTPS; medians of ${setup.coldStarts} fresh processes each, alternating)`,
    '',
    table(
      ['metric (ms)', 'official 1.4.4', 'ours', 'ours / official'],
      [
        ['import and create the connector', fmt(official.importMs, 1), fmt(ours.importMs, 1), ratio(ours.importMs, official.importMs)],
        [
          'first send (DNS, TCP, TLS handshake, certificate check)',
          fmt(official.firstSendMs, 1),
          fmt(ours.firstSendMs, 1),
          ratio(ours.firstSendMs, official.firstSendMs),
        ],
        ['second send (kept connection)', fmt(official.secondSendMs, 2), fmt(ours.secondSendMs, 2), ratio(ours.secondSendMs, official.secondSendMs)],
      ],
    ),
    '',
    `**Footprint** added to a Node host that already loaded \`@logto/connector-kit\` and \`zod\` (HTTPS; host alone: ${fmt(ours.footprint.host.rssMb, 1)} MB, ${ours.footprint.host.threads} threads, ${ours.footprint.host.fds} fds)`,
    '',
    table(
      ['when', 'official 1.4.4', 'ours'],
      [
        ['loaded, before any send', footprintCell(official.footprint.idle), footprintCell(ours.footprint.idle)],
        [`right after ${fmt(setup.footprintBurst)} sends at c=64`, footprintCell(official.footprint.afterBurst), footprintCell(ours.footprint.afterBurst)],
        [`${setup.footprintIdleSeconds} s after that burst`, footprintCell(official.footprint.afterIdle), footprintCell(ours.footprint.afterIdle)],
      ],
    ),
    '',
    '**Other**',
    '',
    table(
      ['metric', 'official 1.4.4', 'ours', 'ours / official'],
      [
        [
          `RSS before → after ${fmt(setup.rssSends)} sends, HTTPS (MB; ${fmt(setup.rssWarmup)}-send warm-up, V8 young generation pinned)`,
          `${fmt(official.rssStart, 1)} → ${fmt(official.rssEnd, 1)}`,
          `${fmt(ours.rssStart, 1)} → ${fmt(ours.rssEnd, 1)}`,
          '',
        ],
        [
          'live JS heap after GC, same run (MB)',
          `${fmt(official.heapStart, 1)} → ${fmt(official.heapEnd, 1)}`,
          `${fmt(ours.heapStart, 1)} → ${fmt(ours.heapEnd, 1)}`,
          '',
        ],
        ['signing cost per request (µs)', fmt(official.signNs / 1_000, 2), fmt(ours.signNs / 1_000, 2), ratio(ours.signNs, official.signNs)],
        ['`.node` size, this machine’s build (MB)', '–', fmt(ours.nodeSizeMb, 2), ''],
        ['SMS guard decision per send, every rule on (µs; the official has no guard)', '–', guard, ''],
      ],
    ),
    '',
    table(
      ['target', 'met', 'measured'],
      targets.map(([target, met, measured]) => [target, met ? 'yes' : '**no**', measured]),
    ),
    '',
  ].join('\n');
};
