/** The columns every route has, first; any other field a route reports (middleware, ...) follows. */
const LEADING = ['path', 'gateway', 'handler'];

/**
 * Renders routes as an aligned table, one column per field. Lists (e.g. a middleware chain)
 * read in order with arrows: `Auth → RateLimit`.
 */
export function formatRoutes(routes: readonly object[]): string {
  const keys = [...LEADING];
  for (const route of routes) for (const key of Object.keys(route)) if (!keys.includes(key)) keys.push(key);
  const rows = [
    keys.map((key) => key.toUpperCase()),
    ...routes.map((route) => keys.map((key) => formatValue((route as Record<string, unknown>)[key]))),
  ];
  const widths = keys.map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()).join('\n') + '\n';
}

function formatValue(value: unknown): string {
  if (value === undefined || value === null || value === '') return '-';
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map(formatValue).join(' → ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
