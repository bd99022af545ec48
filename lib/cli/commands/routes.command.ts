import type { CliIO } from '../cli-io';
import { descriptorJson, formatRoutes, routeRows } from '../format-routes';
import { loadApp, readApp, type AppLocation } from '../load-app';

export interface RoutesOptions extends AppLocation {
  json?: boolean;
}

/**
 * `proapi routes`: loads the project's app module, calls its `createApp()` (or takes its default
 * export) and prints its routes: a table of `app.routes`, or with `--json` the whole
 * `app.describe()`. The app is built, never started: no port is opened.
 */
export async function printRoutes(options: RoutesOptions, io: CliIO): Promise<void> {
  const { app } = await loadApp(options, io, 'routes');
  const described = readApp(() => app.describe());
  if (options.json) {
    io.stdout(`${descriptorJson(described)}\n`);
  } else if (described.routes.length === 0) {
    io.stdout('The app has no routes yet: register gateways with new ProAPI({ gateways: [...] }).\n');
  } else {
    io.stdout(formatRoutes(routeRows(described)));
  }
}
