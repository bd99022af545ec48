import type { WebSocketConnection } from '../connection/web-socket-connection';
import { registerCredentialName } from './credential-names';
import type { MiddlewareDescription, TokenSource } from './middleware-description';
import { MiddlewareLogger, MiddlewareNext, WebSocketMiddleware } from './web-socket-middleware';

/** Where {@link AuthMiddleware} looks for a bearer token. */
export type { TokenSource } from './middleware-description';

/** What refuses a connection when `authenticate` returns it: any falsy value. */
export type AuthRefusal = null | undefined | false | 0 | '';

/**
 * Checks a connection; returns the user, or a falsy value (`null`, `undefined`, `false`, `0`, `''`)
 * to refuse it. `token` is the bearer token found in the request (see
 * {@link AuthOptions.tokenSources}), if any.
 */
export type Authenticate<TUser> = (
  ws: WebSocketConnection<{ user?: TUser }>,
  token: string | undefined,
) => TUser | AuthRefusal | Promise<TUser | AuthRefusal>;

export interface AuthOptions {
  /**
   * HTTP status (400-599) for a connection `authenticate` refuses. Default 401, which is sent
   * with `WWW-Authenticate: Bearer` as HTTP requires.
   */
  status?: number;
  /**
   * Where to look for the token handed to `authenticate`, first match wins.
   * Default `['header', 'query', 'subprotocol']`:
   * - `header`: `Authorization: Bearer <token>`;
   * - `query`: the {@link queryParam} query parameter, e.g. `?token=<token>`;
   * - `subprotocol`: the client offers `bearer` followed by the token as subprotocols, e.g.
   *   `new WebSocket(url, ['bearer', token])` (browsers cannot set headers). The token must then be
   *   made of HTTP token characters (JWTs and base64url are). Whenever the client offered `bearer`,
   *   `accept()` without an argument answers `bearer`, so the client's handshake succeeds and the
   *   token is not echoed back.
   */
  tokenSources?: readonly TokenSource[];
  /** Query parameter carrying the token. Default `token`. LoggingMiddleware redacts it (see `registerCredentialName`). */
  queryParam?: string;
  /** Default: the app's logger. */
  logger?: MiddlewareLogger;
}

/** The subprotocol that precedes the token in `Sec-WebSocket-Protocol`. */
export const BEARER_SUBPROTOCOL = 'bearer';
const BEARER_HEADER = /^Bearer\s+(\S+)\s*$/i;
const DEFAULT_SOURCES: readonly TokenSource[] = ['header', 'query', 'subprotocol'];
/** A 401 must say how to authenticate (RFC 9110 §15.5.2). */
const CHALLENGE = { 'WWW-Authenticate': 'Bearer' } as const;

/**
 * Authenticates each connection before the upgrade. On success the user is at `ws.userData.user`
 * before the handler runs. When `authenticate` returns any falsy value (`null`, `undefined`,
 * `false`, `0`, `''`) the upgrade is refused with HTTP 401 (`WWW-Authenticate: Bearer`) and the
 * handler never runs; so a user must be a truthy value, such as an object. When it throws,
 * HTTP 500 and an error log line.
 * @example
 * const auth = new AuthMiddleware((ws, token) => (token === 'secret' ? { username: 'admin' } : null));
 * app.websocket('/secure', async (ws) => {
 *   await ws.accept();
 *   await ws.sendJson({ message: `Welcome, ${(ws.userData.user as { username: string }).username}!` });
 * }, { middlewares: [auth] });
 */
export class AuthMiddleware<TUser = unknown> extends WebSocketMiddleware<{ user?: TUser }> {
  private readonly status: number;
  private readonly sources: readonly TokenSource[];
  private readonly queryParam: string;

  constructor(
    private readonly authenticate: Authenticate<TUser>,
    options: AuthOptions = {},
  ) {
    super();
    if (typeof authenticate !== 'function') {
      throw new TypeError('AuthMiddleware needs a function: new AuthMiddleware((ws, token) => user or null)');
    }
    this.status = options.status ?? 401;
    if (!Number.isInteger(this.status) || this.status < 400 || this.status > 599) {
      throw new RangeError(`AuthMiddleware: status must be an HTTP error status (400-599), got ${String(options.status)}`);
    }
    this.sources = options.tokenSources ?? DEFAULT_SOURCES;
    this.queryParam = options.queryParam ?? 'token';
    // So LoggingMiddleware redacts the token wherever it is read from, whatever its own options.
    if (this.sources.includes('query')) registerCredentialName(this.queryParam);
    if (this.sources.includes('header')) registerCredentialName('authorization');
    this.useLogger(options.logger);
  }

  async handle(ws: WebSocketConnection<{ user?: TUser }>, next: MiddlewareNext): Promise<unknown> {
    let user: TUser | AuthRefusal;
    try {
      user = await this.authenticate(ws, this.findToken(ws));
    } catch (error) {
      this.logger.error({ err: error, path: ws.path }, 'authenticate() threw; answered HTTP 500');
      ws.deny(500, 'authentication failed');
      return undefined;
    }
    if (!user) {
      ws.deny(this.status, 'authentication required', this.status === 401 ? CHALLENGE : undefined);
      return undefined;
    }
    ws.userData.user = user;
    // A client that offered `bearer, <token>` fails the handshake unless one of them is answered.
    if (ws.requestedSubprotocols.includes(BEARER_SUBPROTOCOL)) ws.defaultSubprotocol = BEARER_SUBPROTOCOL;
    return next();
  }

  /**
   * How this middleware authenticates, for `app.describe()` and API documents: a bearer token
   * from the places it looks, in order, and the status of a refusal.
   * @example
   * new AuthMiddleware(verify, { tokenSources: ['query'] }).describe();
   * // { security: { scheme: 'bearer', tokens: [{ in: 'query', name: 'token' }], status: 401 } }
   */
  override describe(): MiddlewareDescription {
    const names: Record<TokenSource, string> = { header: 'authorization', query: this.queryParam, subprotocol: BEARER_SUBPROTOCOL };
    const tokens = this.sources.map((source) => ({ in: source, name: names[source] }));
    return { security: { scheme: 'bearer', tokens, status: this.status } };
  }

  private findToken(ws: WebSocketConnection<object>): string | undefined {
    for (const source of this.sources) {
      const token = readToken(ws, source, this.queryParam);
      if (token) return token;
    }
    return undefined;
  }
}

function readToken(ws: WebSocketConnection<object>, source: TokenSource, queryParam: string): string | undefined {
  switch (source) {
    case 'header':
      return BEARER_HEADER.exec(ws.headers.get('authorization') ?? '')?.[1];
    case 'query':
      return ws.queryParams.get(queryParam) ?? undefined;
    case 'subprotocol': {
      const offered = ws.requestedSubprotocols;
      const index = offered.indexOf(BEARER_SUBPROTOCOL);
      return index >= 0 ? offered[index + 1] : undefined;
    }
  }
}
