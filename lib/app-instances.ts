import { composeRoute } from './middleware/compose-middleware';
import { constructMiddleware } from './middleware/construct-middleware';
import type { Middleware, MiddlewareClass, WebSocketMiddleware } from './middleware/web-socket-middleware';
import type { GatewayClass, ResolvedOptions } from './options';
import { scanGateway } from './routing/gateway-scanner';
import type { Route } from './routing/route';
import { buildRouteTable } from './routing/route-table';

/** A route as registered: a gateway (class or instance) to scan, or a function route already built. */
export type Registration = { kind: 'gateway'; gateway: GatewayClass | object } | { kind: 'function'; route: Route };

/**
 * The app's gateway and middleware instances (one per class, through the container if any), and
 * the route table they make: scanned and composed once, at boot.
 */
export class AppInstances {
  private readonly gateways = new Map<GatewayClass, object>();
  private readonly middlewares = new Map<MiddlewareClass, WebSocketMiddleware>();

  constructor(private readonly options: ResolvedOptions) {}

  buildRoutes(registrations: readonly Registration[], globalMiddlewares: readonly Middleware[]): readonly Route[] {
    const instantiate = (cls: MiddlewareClass): WebSocketMiddleware => this.middlewareOf(cls);
    const routes = registrations.map((registration) => {
      const route = registration.kind === 'function' ? registration.route : scanGateway(this.gatewayOf(registration.gateway));
      return composeRoute(route, [...globalMiddlewares, ...route.middlewares], instantiate, this.options.logger);
    });
    return buildRouteTable(routes, instantiate);
  }

  private middlewareOf(cls: MiddlewareClass): WebSocketMiddleware {
    let instance = this.middlewares.get(cls);
    if (!instance) {
      instance = this.options.container ? this.options.container.get(cls) : constructMiddleware(cls);
      this.middlewares.set(cls, instance);
    }
    return instance;
  }

  private gatewayOf(gateway: GatewayClass | object): object {
    if (typeof gateway !== 'function') return gateway;
    const cls = gateway as GatewayClass;
    let instance = this.gateways.get(cls);
    if (!instance) {
      instance = this.options.container ? this.options.container.get(cls) : new cls();
      this.gateways.set(cls, instance);
    }
    return instance;
  }
}
