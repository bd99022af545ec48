import type { ScenarioResult } from '../harness/results';

const WIDTH = 820;
const LABEL = 230;
const BAR = 16;
const GAP = 4;
const GROUP_GAP = 18;
const HEADER = 22;
const PLOT = WIDTH - LABEL - 70;

const COLORS: Record<string, string> = {
  uws: '#6b7280',
  ws: '#d97706',
  'socket.io': '#7c3aed',
};
const PROAPI_COLOR = '#0f766e';

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * A horizontal bar chart of each server's cost relative to raw uWS in the same run (1.0 = raw
 * uWS; shorter is better), one group per scenario, on a log scale (ratios run from about 1 to
 * about 30). Failed servers are labelled, not drawn.
 */
export function renderChart(scenarios: readonly ScenarioResult[]): string {
  const groups = scenarios.filter((s) => s.servers.length > 0);
  const maxRatio = Math.max(2, ...groups.flatMap((g) => g.servers.map((s) => s.ratio ?? 0)));
  // Bars start at 0.5×, so a server cheaper than raw uWS still gets a visible bar.
  const low = Math.log(0.5);
  const x = (ratio: number): number => LABEL + (PLOT * (Math.log(Math.max(ratio, 0.5)) - low)) / (Math.log(maxRatio) - low);
  const rows: string[] = [];
  let y = 40;
  for (const group of groups) {
    rows.push(`<text x="8" y="${y + 12}" class="group">${escapeXml(`${group.title} — ${group.metric}`)}</text>`);
    y += HEADER;
    for (const server of group.servers) {
      const color = COLORS[server.server] ?? PROAPI_COLOR;
      rows.push(`<text x="${LABEL - 8}" y="${y + BAR - 4}" class="label" text-anchor="end">${escapeXml(server.label)}</text>`);
      if (server.ratio === null) {
        rows.push(`<text x="${LABEL + 4}" y="${y + BAR - 4}" class="failed">${escapeXml(server.failure ? 'FAILED' : 'n/a')}</text>`);
      } else {
        const width = Math.max(1, x(server.ratio) - LABEL);
        rows.push(`<rect x="${LABEL}" y="${y}" width="${width.toFixed(1)}" height="${BAR}" fill="${color}"/>`);
        rows.push(`<text x="${(LABEL + width + 4).toFixed(1)}" y="${y + BAR - 4}" class="value">${server.ratio.toFixed(2)}×</text>`);
      }
      y += BAR + GAP;
    }
    y += GROUP_GAP;
  }
  const height = y + 10;
  const ticks = [1, 2, 5, 10, 20, 50, 100].filter((t) => t <= maxRatio);
  const grid = ticks.flatMap((t) => [
    `<line x1="${x(t).toFixed(1)}" y1="30" x2="${x(t).toFixed(1)}" y2="${height - 10}" stroke="#9ca3af" stroke-dasharray="${t === 1 ? '4 3' : '1 4'}"/>`,
    `<text x="${(x(t) + 3).toFixed(1)}" y="38" class="axis">${t}×</text>`,
  ]);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    '<style>.title{font-size:15px;font-weight:bold}.group{font-size:13px;font-weight:bold}.label,.value{font-size:12px}.failed{font-size:12px;fill:#b91c1c}.axis{font-size:11px;fill:#374151}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="8" y="20" class="title">Cost relative to raw uWebSockets.js, same run (1× = raw uWS, shorter is better, log scale)</text>`,
    ...grid,
    ...rows,
    '</svg>',
    '',
  ].join('\n');
}
