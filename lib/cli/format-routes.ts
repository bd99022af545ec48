import { routeInfo } from '../routing/describe-route';
import type { AppDescriptor } from '../routing/route-descriptor';

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

/** The app's routes as `formatRoutes` rows: one line each, as `app.routes` lists them. */
export function routeRows(app: AppDescriptor): object[] {
  return app.routes.map(routeInfo);
}

/** The descriptor as JSON: the classes it names (DTOs, replies, pushes) appear by name. */
export function descriptorJson(app: AppDescriptor): string {
  return JSON.stringify(app, (_key, value: unknown) => (typeof value === 'function' ? value.name || '(anonymous class)' : value), 2);
}

function formatValue(value: unknown): string {
  if (value === undefined || value === null || value === '') return '-';
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map(formatValue).join(' → ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
