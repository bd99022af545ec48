/** A plain HTTP request as an HTTP route handler sees it (copied; safe to use after `await`). */
export interface HttpRequestInfo {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: ReadonlyMap<string, string>;
}

/** What an HTTP route handler answers with; a bare string is a 200 `text/plain` body. */
export interface HttpReply {
  status?: number;
  headers?: Readonly<Record<string, string>>;
  body?: string | Uint8Array;
}

export type HttpHandler = (req: HttpRequestInfo) => HttpReply | string | Promise<HttpReply | string>;

export interface HttpRoute {
  readonly method: 'get';
  readonly path: string;
  readonly handler: HttpHandler;
}
