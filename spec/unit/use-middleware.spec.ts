import {
  OnConnect,
  OnMessage,
  ProAPI,
  RouteDefinitionError,
  silentLogger,
  UseMiddleware,
  WebSocket,
  WebSocketMiddleware,
  type Middleware,
  type MiddlewareFunction,
  type MiddlewareNext,
} from '../../index';
import { composeRoute } from '../../lib/middleware/compose-middleware';
import { functionRoute } from '../../lib/routing/function-route';
import { captureLogger } from '../helpers/capture-logger';

const named = (name: string): MiddlewareFunction => {
  const middleware: MiddlewareFunction = (_ws, next) => next();
  Object.defineProperty(middleware, 'name', { value: name });
  return middleware;
};

class Audit extends WebSocketMiddleware {
  handle(_ws: unknown, next: MiddlewareNext): Promise<unknown> {
    return next();
  }
}

const chainOf = (gateway: object, ...globals: Middleware[]): readonly string[] =>
  new ProAPI({ logger: silentLogger, gateways: [gateway], websocketMiddlewares: globals }).routes[0].middlewares;

describe('@UseMiddleware', () => {
  it('records class then method middleware, stacked decorators in written order, after the globals', () => {
    @WebSocket('/ordered')
    @UseMiddleware(named('c1'), named('c2'))
    @UseMiddleware(named('c3'))
    class Ordered {
      @OnConnect()
      @UseMiddleware(named('m1'))
      @UseMiddleware(named('m2'), new Audit())
      connect(): void {}
    }
    expect(chainOf(Ordered, named('g1'), named('g2'))).toEqual(['g1', 'g2', 'c1', 'c2', 'c3', 'm1', 'm2', 'Audit']);
  });

  it('inherits class middleware (base first) and the handler method middleware', () => {
    @UseMiddleware(named('base'))
    class Base {
      @OnConnect()
      @UseMiddleware(named('baseMethod'))
      connect(): void {}
    }
    @WebSocket('/child')
    @UseMiddleware(named('child'))
    class Child extends Base {}
    expect(chainOf(Child)).toEqual(['base', 'child', 'baseMethod']);
  });

  it('rejects what is not a middleware when decorating, saying what to pass', () => {
    expect(() => {
      @UseMiddleware({} as never)
      class Wrong {}
      return Wrong;
    }).toThrow(/@UseMiddleware\(\) on Wrong, argument 1: an object of class Object without handle\(\) is not a middleware/);
    expect(() => new ProAPI({ logger: silentLogger }).websocket('/x', () => undefined, { middlewares: [null as never] })).toThrow(
      RouteDefinitionError,
    );
    expect(() => (new ProAPI({ logger: silentLogger }).websocketMiddlewares = ['log' as never])).toThrow(
      /app.websocketMiddlewares\[0\]: string "log" is not a middleware/,
    );
    // The list read back cannot be changed behind the setter's back.
    const app = new ProAPI({ logger: silentLogger, websocketMiddlewares: [named('g')] });
    expect(() => (app.websocketMiddlewares as Middleware[]).push('log' as never)).toThrow(TypeError);
    expect(app.websocketMiddlewares).toHaveLength(1);
  });

  it('refuses @UseMiddleware on a method that is not the @OnConnect() handler, naming class and method', () => {
    @WebSocket('/stray')
    class Stray {
      @OnConnect() connect(): void {}
      @UseMiddleware(named('lost'))
      helper(): void {}
    }
    expect(() => chainOf(Stray)).toThrow(RouteDefinitionError);
    expect(() => chainOf(Stray)).toThrow(/^Stray\.helper: @UseMiddleware\(\) on a method only applies to the @OnConnect\(\) handler/);

    class BaseWithStray {
      @UseMiddleware(named('lost'))
      inherited(): void {}
    }
    @WebSocket('/messages')
    class MessagesOnly extends BaseWithStray {
      @OnMessage('ping', null) ping(): string {
        return 'pong';
      }
    }
    expect(() => chainOf(MessagesOnly)).toThrow(/^MessagesOnly\.inherited: @UseMiddleware\(\)/);
  });

  it('refuses a class that is not a WebSocketMiddleware subclass where it is given, not at the first connection', () => {
    class Duck {
      handle(_ws: unknown, next: MiddlewareNext): Promise<unknown> {
        return next();
      }
    }
    class NoHandle {}
    const app = new ProAPI({ logger: silentLogger });
    expect(() => app.use(Duck as never)).toThrow(
      /app.websocketMiddlewares\[0\]: class Duck is not a middleware class; declare it as class Duck extends WebSocketMiddleware .*or pass an instance \(new Duck\(\)\)/,
    );
    expect(() => app.websocket('/x', () => undefined, { middlewares: [NoHandle as never] })).toThrow(RouteDefinitionError);
    expect(() => {
      @UseMiddleware(Duck as never)
      class Decorated {}
      return Decorated;
    }).toThrow(/@UseMiddleware\(\) on Decorated, argument 1: class Duck is not a middleware class/);
  });

  it('builds a middleware given as a class once per app, through the container when there is one', () => {
    const built: string[] = [];
    const container = {
      get<T>(cls: new () => T): T {
        built.push((cls as { name: string }).name);
        return new cls();
      },
    };
    @WebSocket('/a')
    @UseMiddleware(Audit)
    class A {
      @OnConnect() connect(): void {}
    }
    @WebSocket('/b')
    @UseMiddleware(Audit)
    class B {
      @OnConnect() connect(): void {}
    }
    const app = new ProAPI({ logger: silentLogger, container, gateways: [A, B] });
    expect(app.routes.map((r) => r.middlewares)).toEqual([['Audit'], ['Audit']]);
    expect(built.filter((name) => name === 'Audit')).toEqual(['Audit']);
  });

  it('lists the chain in the boot log, and cannot change the global list after listen()', async () => {
    const logger = captureLogger();
    const app = new ProAPI({ logger, websocketMiddlewares: [named('g')] }).websocket('/x', function handler() {}, {
      middlewares: [new Audit()],
    });
    await app.listen(0, '127.0.0.1');
    try {
      expect(logger.entries.map((e) => e.message)).toContain('route WS /x -> (function).handler [g -> Audit]; the handler must accept(); returning without it answers HTTP 403');
      expect(() => app.use(named('late'))).toThrow(/after listen\(\)/);
    } finally {
      await app.close();
    }
  });
});

describe('composeRoute', () => {
  const handler = (): void => undefined;
  const route = functionRoute('/x', { pattern: '/x', paramNames: [], wildcardSegment: -1, shape: '/x' }, handler, []);
  const instantiate = (cls: new () => WebSocketMiddleware): WebSocketMiddleware => new cls();

  it('leaves a route without middleware as it is: the bare handler, no wrapper', () => {
    const composed = composeRoute(route, [], instantiate, silentLogger);
    expect(composed).toBe(route);
    expect(composed.run).toBe(route.run);
  });

  it('wraps the handler once when there is a chain', () => {
    const composed = composeRoute(route, [named('a')], instantiate, silentLogger);
    expect(composed.run).not.toBe(route.run);
    expect(composed.middlewares).toHaveLength(1);
  });
});
