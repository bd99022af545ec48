import type { HttpHandler } from '../http-route';
import { clientModuleFiles } from './client-module-files';

/**
 * Serves the browser build of `proapi/client` (plain ES modules) under `basePath`, so a page can
 * `import { createClient } from '/proapi-client/index.js'` without a bundler. Returns that URL.
 * @example
 * const clientUrl = serveClientModule(app); // '/proapi-client/index.js'
 */
export function serveClientModule(app: { get(path: string, handler: HttpHandler): unknown }, basePath = '/proapi-client'): string {
  const base = basePath.replace(/\/+$/, '');
  for (const [name, source] of clientModuleFiles()) {
    const reply = { headers: { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' }, body: source };
    app.get(`${base}/${name}`, () => reply);
  }
  return `${base}/index.js`;
}
