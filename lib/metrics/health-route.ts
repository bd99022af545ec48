import type { HttpReply, HttpRoute } from '../http-route';

/** `health: false` turns it off; `{ path }` moves it. */
export type HealthOption = boolean | { readonly path: string };

export const DEFAULT_HEALTH_PATH = '/healthz';

/**
 * `GET /healthz` for load balancers: 200 while the app serves, 503 from the moment `close()`
 * begins, so new clients go elsewhere before the open connections are closed.
 */
export function healthRoute(option: HealthOption | undefined, draining: () => boolean): HttpRoute | null {
  if (option === false) return null;
  const path = typeof option === 'object' ? option.path : DEFAULT_HEALTH_PATH;
  const serving: HttpReply = { status: 200, body: 'ok' };
  const closing: HttpReply = { status: 503, headers: { 'Retry-After': '1', Connection: 'close' }, body: 'shutting down' };
  return { method: 'get', path, handler: () => (draining() ? closing : serving) };
}
