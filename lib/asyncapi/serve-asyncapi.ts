import type { HttpHandler } from '../http-route';
import type { AsyncApiDocument, AsyncApiOptions } from './asyncapi-document';

/** `new ProAPI({ asyncapi: { path: '/asyncapi.json', title: 'Chat' } })`. */
export interface ServedAsyncApiOptions extends AsyncApiOptions {
  /** Serves the document as JSON at `GET <path>`. */
  readonly path: string;
}

/** Mounts the app's AsyncAPI document, built on the first request (the routes are sealed by then) and kept. */
export function serveAsyncApi(
  app: { get(path: string, handler: HttpHandler): unknown; asyncapi(options: AsyncApiOptions): AsyncApiDocument },
  options: ServedAsyncApiOptions,
): void {
  const { path, ...documentOptions } = options;
  let body: string | undefined;
  app.get(path, () => {
    body ??= JSON.stringify(app.asyncapi(documentOptions), null, 2);
    return { headers: { 'Content-Type': 'application/json; charset=utf-8' }, body };
  });
}
