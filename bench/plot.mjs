// A dependency-free SVG: sends/s at concurrency 64 and event-loop µs per send over HTTPS, by client.

const escapeXml = (text) => String(text).replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]);

const panel = (x, title, bars, unit) => {
  const width = 360;
  const max = Math.max(...bars.map((b) => b.value));
  const rows = bars.map((bar, index) => {
    const y = 50 + index * 44;
    const length = Math.max(2, (bar.value / max) * (width - 150));
    return `<text x="${x}" y="${y + 17}" font-size="13">${escapeXml(bar.label)}</text>
  <rect x="${x + 110}" y="${y}" width="${length.toFixed(1)}" height="26" fill="${bar.color}" rx="3"/>
  <text x="${x + 116 + length}" y="${y + 17}" font-size="12">${escapeXml(bar.text)}</text>`;
  });
  return `<text x="${x}" y="28" font-size="15" font-weight="bold">${escapeXml(title)}</text>
  <text x="${x}" y="44" font-size="11" fill="#555">${escapeXml(unit)}</text>
  ${rows.join('\n  ')}`;
};

export const renderSvg = ({ tls: summary }, machine) => {
  const number = (value, digits = 0) => value.toLocaleString('en-US', { maximumFractionDigits: digits });
  const throughput = panel(
    20,
    'Sends per second over HTTPS, c=64',
    [
      { label: 'official 1.4.4', value: summary.official.c64, text: number(summary.official.c64), color: '#9aa5b1' },
      { label: 'ours', value: summary.ours.c64, text: number(summary.ours.c64), color: '#0052d9' },
      { label: 'raw, parking', value: summary.parked.c64, text: number(summary.parked.c64), color: '#95de64' },
      { label: 'raw client', value: summary.limit.c64, text: number(summary.limit.c64), color: '#52c41a' },
    ],
    'higher is better',
  );
  const eventLoop = panel(
    440,
    'Event-loop busy time per send, HTTPS',
    [
      { label: 'official 1.4.4', value: summary.official.elu, text: `${number(summary.official.elu, 1)} µs`, color: '#9aa5b1' },
      { label: 'ours', value: summary.ours.elu, text: `${number(summary.ours.elu, 1)} µs`, color: '#0052d9' },
    ],
    'lower is better (what Logto’s event loop pays)',
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="860" height="250" font-family="sans-serif">
  <rect width="860" height="250" fill="#fff"/>
  ${throughput}
  ${eventLoop}
  <text x="20" y="240" font-size="10" fill="#777">${escapeXml(machine)}</text>
</svg>
`;
};
