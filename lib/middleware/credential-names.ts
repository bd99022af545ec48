/** Query parameter and header names that carry credentials somewhere in this process (lower case). */
const credentialNames = new Set<string>();

/**
 * Makes every LoggingMiddleware of this process log the query parameter or header `name` (exact,
 * any case) as `[REDACTED]`, even with `redactDefaults: false`. AuthMiddleware registers the
 * names it reads a token from; a middleware of your own that reads a credential should too.
 * Names are never unregistered: redacting a name on a route that does not use it costs nothing.
 * @example
 * registerCredentialName('x-ticket');
 */
export function registerCredentialName(name: string): void {
  credentialNames.add(name.toLowerCase());
}

/** Whether `name` was registered with {@link registerCredentialName} (any case). */
export function isRegisteredCredential(name: string): boolean {
  return credentialNames.has(name.toLowerCase());
}
