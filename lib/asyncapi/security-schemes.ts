import type { SecurityDescription, TokenLocation } from '../middleware/middleware-description';
import type { RouteDescriptor } from '../routing/route-descriptor';
import type { AsyncApiSecurityScheme } from './asyncapi-document';
import type { SchemaRef } from './json-schema';

/**
 * Security schemes from the routes' middleware (`AuthMiddleware.describe()`): one scheme per place
 * a token is read, shared by the routes that read it there. A subprotocol token has no AsyncAPI
 * scheme of its own: it travels in the `Sec-WebSocket-Protocol` header, so it is described as one.
 */
export class SecuritySchemes {
  readonly schemes: Record<string, AsyncApiSecurityScheme> = {};

  /** The schemes a route's connections must satisfy (any one of them), as `$ref`s. */
  forRoute(route: RouteDescriptor): SchemaRef[] {
    const refs: SchemaRef[] = [];
    for (const middleware of route.middlewares) {
      if (middleware.security === undefined) continue;
      for (const token of middleware.security.tokens) {
        const name = this.add(token, middleware.security, middleware.name);
        refs.push({ $ref: `#/components/securitySchemes/${name}` });
      }
    }
    return refs;
  }

  private add(token: TokenLocation, security: SecurityDescription, middleware: string): string {
    const name = schemeName(token);
    this.schemes[name] ??= scheme(token, security, middleware);
    return name;
  }
}

function schemeName(token: TokenLocation): string {
  const suffix = token.name.replace(/[^A-Za-z0-9_-]/g, '_');
  return token.in === 'header' && token.name === 'authorization' ? 'bearerHeader' : `bearer_${token.in}_${suffix}`;
}

function scheme(token: TokenLocation, security: SecurityDescription, middleware: string): AsyncApiSecurityScheme {
  const refusal = `Without a valid token the upgrade is refused with HTTP ${security.status} (${middleware}).`;
  switch (token.in) {
    case 'header':
      return token.name === 'authorization'
        ? { type: 'http', scheme: 'bearer', description: `A bearer token in the Authorization header. ${refusal}` }
        : { type: 'httpApiKey', in: 'header', name: token.name, description: `A bearer token in the ${token.name} header. ${refusal}` };
    case 'query':
      return { type: 'httpApiKey', in: 'query', name: token.name, description: `A bearer token in the query parameter ${token.name}. ${refusal}` };
    case 'subprotocol':
      return {
        type: 'httpApiKey',
        in: 'header',
        name: 'Sec-WebSocket-Protocol',
        description:
          `A bearer token offered as a subprotocol: offer ['${token.name}', <token>] (browsers: new WebSocket(url, ['${token.name}', token])); ` +
          `the server answers '${token.name}'. ${refusal}`,
      };
  }
}
