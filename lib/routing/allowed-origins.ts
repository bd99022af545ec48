import { RouteDefinitionError } from '../errors';

/**
 * Which web pages may open a WebSocket: browsers send the page's `Origin` with every handshake,
 * and cookies with it whatever the page, so without this check any site could act as a logged-in
 * user (cross-site WebSocket hijacking). One entry of `allowedOrigins`:
 * - `'same-origin'`: the page was served by this host (the Origin's host and port equal the
 *   request's `Host` header). The default.
 * - `'*'`: any page (no check).
 * - an exact origin, `'https://app.example.com'` (scheme, host, and port if not the default).
 * - a subdomain pattern, `'https://*.example.com'`: any subdomain of example.com, at any depth,
 *   over that scheme (not example.com itself; list it too if wanted).
 * - a RegExp tested against the Origin as sent, anchored with `^...$`.
 *
 * Requests without an Origin (non-browser clients, which can send any Origin anyway) are allowed;
 * a browser always sends one. `Origin: null` (sandboxed frames, `file:` pages) matches only the
 * entry `'null'`.
 */
export type AllowedOrigin = 'same-origin' | '*' | 'null' | (string & {}) | RegExp;

/** The `allowedOrigins` of an app or a route. */
export type AllowedOrigins = readonly AllowedOrigin[];

/** What the app allows when `allowedOrigins` is not given. */
export const DEFAULT_ALLOWED_ORIGINS: AllowedOrigins = Object.freeze(['same-origin']);

/** Checks a route's `allowedOrigins` where it is declared, so a mistake names the route at boot. */
export function checkAllowedOrigins(origins: AllowedOrigins, where: string): void {
  try {
    OriginPolicy.compile(origins, where);
  } catch (error) {
    throw new RouteDefinitionError((error as Error).message);
  }
}

/** Origins an upgrade may come from, compiled once at boot. */
export class OriginPolicy {
  private constructor(
    private readonly any: boolean,
    private readonly sameOrigin: boolean,
    private readonly exact: ReadonlySet<string>,
    private readonly subdomains: readonly { readonly scheme: string; readonly suffix: string }[],
    private readonly patterns: readonly RegExp[],
    /** For log lines: what is allowed. */
    readonly summary: string,
  ) {}

  /**
   * Compiles `origins`; a mistake is an error naming `where`, at boot.
   * @example
   * OriginPolicy.compile(['same-origin', 'https://*.example.com'], 'app').allows('https://a.example.com', 'x') // true
   */
  static compile(origins: AllowedOrigins, where: string): OriginPolicy {
    if (!Array.isArray(origins)) throw new TypeError(`${where}: allowedOrigins must be an array, e.g. ['same-origin', 'https://app.example.com']`);
    const exact = new Set<string>();
    const subdomains: { scheme: string; suffix: string }[] = [];
    const patterns: RegExp[] = [];
    let any = false;
    let sameOrigin = false;
    for (const entry of origins as readonly unknown[]) {
      if (entry instanceof RegExp) patterns.push(checkPattern(entry, where));
      else if (entry === '*') any = true;
      else if (entry === 'same-origin') sameOrigin = true;
      else if (entry === 'null') exact.add('null');
      else if (typeof entry === 'string' && entry.includes('://*.')) subdomains.push(parseSubdomainPattern(entry, where));
      else if (typeof entry === 'string') exact.add(normalizeOrigin(entry, where));
      else throw new TypeError(`${where}: allowedOrigins has ${String(entry)}; use origin strings, 'same-origin', '*' or RegExps`);
    }
    const summary = origins.map(String).join(', ') || '(none)';
    return new OriginPolicy(any, sameOrigin, exact, subdomains, patterns, summary);
  }

  /** Whether a handshake with this `Origin` (empty when absent) and `Host` may proceed. */
  allows(origin: string, host: string): boolean {
    if (this.any || origin === '') return true;
    if (this.exact.has(origin)) return true;
    if (this.patterns.length > 0 && this.patterns.some((p) => p.test(origin))) return true;
    if (!this.sameOrigin && this.subdomains.length === 0 && this.exact.size === 0) return false;
    const parsed = parseOrigin(origin);
    if (parsed === null) return false;
    if (this.exact.has(parsed.origin)) return true;
    if (this.sameOrigin && sameHost(parsed, host)) return true;
    return this.subdomains.some((s) => s.scheme === parsed.scheme && parsed.hostname.endsWith(s.suffix));
  }
}

interface ParsedOrigin {
  readonly scheme: string;
  readonly hostname: string;
  /** `host` or `host:port`, the port left out when it is the scheme's default. */
  readonly host: string;
  readonly origin: string;
}

function parseOrigin(text: string): ParsedOrigin | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.host === '') return null;
  return { scheme: url.protocol.slice(0, -1), hostname: url.hostname, host: url.host, origin: url.origin };
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443', ws: '80', wss: '443' };

/** The Host header names the Origin's host, with or without the scheme's default port. */
function sameHost(origin: ParsedOrigin, hostHeader: string): boolean {
  const host = hostHeader.toLowerCase();
  if (host === origin.host) return true;
  const port = DEFAULT_PORTS[origin.scheme];
  return port !== undefined && host === `${origin.host}:${port}`;
}

function normalizeOrigin(entry: string, where: string): string {
  const parsed = parseOrigin(entry);
  if (parsed === null || !/^[a-z][a-z0-9+.-]*:\/\/[^/?#]+\/?$/i.test(entry)) {
    throw new TypeError(`${where}: allowedOrigins entry ${JSON.stringify(entry)} is not an origin; write it as 'https://app.example.com' (no path)`);
  }
  return parsed.origin;
}

function parseSubdomainPattern(entry: string, where: string): { scheme: string; suffix: string } {
  const match = /^([a-z][a-z0-9+.-]*):\/\/\*(\.[a-z0-9.-]+(?::\d+)?)\/?$/i.exec(entry);
  const parsed = match ? parseOrigin(`${match[1]}://x${match[2]}`) : null;
  if (match === null || parsed === null) {
    throw new TypeError(`${where}: allowedOrigins pattern ${JSON.stringify(entry)} must look like 'https://*.example.com'`);
  }
  if (parsed.host !== parsed.hostname) {
    throw new TypeError(`${where}: allowedOrigins pattern ${JSON.stringify(entry)} has a port; list such origins exactly or use a RegExp`);
  }
  return { scheme: parsed.scheme, suffix: parsed.hostname.slice(1) };
}

/** An unanchored pattern such as /example\.com/ would also let https://example.com.evil.io in. */
function checkPattern(pattern: RegExp, where: string): RegExp {
  if (!pattern.source.startsWith('^') || !pattern.source.endsWith('$')) {
    throw new TypeError(`${where}: allowedOrigins pattern ${String(pattern)} must be anchored (/^https:\\/\\/app\\.example\\.com$/), or other sites could match it`);
  }
  // A global or sticky RegExp keeps state between test() calls and would answer differently each time.
  if (pattern.global || pattern.sticky) return new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
  return pattern;
}
