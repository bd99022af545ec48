/** Where a bearer token can be found in the upgrade request. */
export type TokenSource = 'header' | 'query' | 'subprotocol';

/**
 * One place a token is read from: the `authorization` header (`Bearer <token>`), a query
 * parameter, or the subprotocol offered just before the token (`['bearer', token]`).
 */
export interface TokenLocation {
  readonly in: TokenSource;
  /** The header name, the query parameter name, or the subprotocol that precedes the token. */
  readonly name: string;
}

/** How a middleware authenticates connections: what an API document lists as a security scheme. */
export interface SecurityDescription {
  readonly scheme: 'bearer';
  /** Where the token is looked for, first match wins. */
  readonly tokens: readonly TokenLocation[];
  /** The HTTP status of an upgrade refused for want of a valid token. */
  readonly status: number;
}

/**
 * What a middleware tells `app.describe()` about itself, through its optional `describe()`
 * method. Every field is optional: a middleware says what it knows.
 */
export interface MiddlewareDescription {
  readonly security?: SecurityDescription;
}
