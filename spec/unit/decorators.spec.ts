import { Conn, Header, OnConnect, Param, ProAPI, Query, RouteDefinitionError, WebSocket, silentLogger } from '../../index';
import type { WebSocketConnection } from '../../index';
import { readOwnRecord, readOwnRecords } from '../../lib/metadata/metadata-store';
import { MetadataKey, type GatewayRecord, type HandlerRecord, type ParamRecord } from '../../lib/metadata/records';

describe('decorators record metadata', () => {
  @WebSocket('/chat/:room')
  class ChatGateway {
    @OnConnect()
    connect(
      ws: WebSocketConnection,
      @Param('room') room: string,
      @Query('username') username: string,
      @Header('Origin') origin: string,
      @Conn() again: WebSocketConnection,
    ): void {
      void [ws, room, username, origin, again];
    }
  }

  it('@WebSocket stores the path on the class', () => {
    expect(readOwnRecord<GatewayRecord>(MetadataKey.GATEWAY, ChatGateway)).toEqual({ path: '/chat/:room' });
  });

  it('@OnConnect stores the handler on the prototype', () => {
    expect(readOwnRecords<HandlerRecord>(MetadataKey.HANDLERS, ChatGateway.prototype)).toEqual([
      { kind: 'connect', propertyKey: 'connect' },
    ]);
  });

  it('parameter decorators store source, name and index (header names lower-cased)', () => {
    const params = readOwnRecords<ParamRecord>(MetadataKey.PARAMS, ChatGateway.prototype);
    expect([...params].sort((a, b) => a.index - b.index)).toEqual([
      { propertyKey: 'connect', index: 1, source: 'param', name: 'room' },
      { propertyKey: 'connect', index: 2, source: 'query', name: 'username' },
      { propertyKey: 'connect', index: 3, source: 'header', name: 'origin' },
      { propertyKey: 'connect', index: 4, source: 'conn', name: undefined },
    ]);
  });
});

describe('route table', () => {
  const app = (...gateways: object[]): ProAPI => new ProAPI({ logger: silentLogger, gateways });

  it('is built from several gateways and function routes', () => {
    @WebSocket('/a/:id')
    class AGateway {
      @OnConnect() open(): void {}
    }
    @WebSocket('/b/*')
    class BGateway {
      @OnConnect() handle(): void {}
    }
    const built = app(AGateway, new BGateway()).websocket('/fn', function echo() {});
    expect(built.routes).toEqual([
      { path: '/a/:id', gateway: 'AGateway', handler: 'open', middlewares: [] },
      { path: '/b/*', gateway: 'BGateway', handler: 'handle', middlewares: [] },
      { path: '/fn', gateway: '(function)', handler: 'echo', middlewares: [] },
    ]);
  });

  it('finds handlers inherited from a base class', () => {
    class Base {
      @OnConnect() connect(): void {}
    }
    @WebSocket('/child')
    class ChildGateway extends Base {}
    expect(app(ChildGateway).routes).toEqual([{ path: '/child', gateway: 'ChildGateway', handler: 'connect', middlewares: [] }]);
  });

  it('builds gateways through the container when one is given', () => {
    class Greeter {
      greet = (): string => 'hi';
    }
    @WebSocket('/di')
    class DiGateway {
      constructor(readonly greeter: Greeter) {}
      @OnConnect() connect(): void {}
    }
    const built: object[] = [];
    const container = {
      get<T>(cls: new (...args: never[]) => T): T {
        const instance = new (cls as unknown as new (g: Greeter) => T)(new Greeter());
        built.push(instance as object);
        return instance;
      },
    };
    const routes = new ProAPI({ logger: silentLogger, container, gateways: [DiGateway] }).routes;
    expect(routes).toHaveLength(1);
    expect(built[0]).toBeInstanceOf(DiGateway);
    expect((built[0] as DiGateway).greeter.greet()).toBe('hi');
  });
});

describe('boot-time errors name the class', () => {
  const routesOf = (...gateways: object[]) => () => new ProAPI({ logger: silentLogger, gateways }).routes;

  it('two gateways on the same path', () => {
    @WebSocket('/same/:x')
    class FirstGateway {
      @OnConnect() c(): void {}
    }
    @WebSocket('/same/:y')
    class SecondGateway {
      @OnConnect() c(): void {}
    }
    expect(routesOf(FirstGateway, SecondGateway)).toThrow(RouteDefinitionError);
    expect(routesOf(FirstGateway, SecondGateway)).toThrow(/SecondGateway and FirstGateway are both mounted/);
  });

  it('a gateway without a handler', () => {
    @WebSocket('/empty')
    class EmptyGateway {}
    expect(routesOf(EmptyGateway)).toThrow(/EmptyGateway has no handler: decorate one method with @OnConnect\(\)/);
  });

  it('a malformed path', () => {
    @WebSocket('chat/:room')
    class MalformedGateway {
      @OnConnect() c(): void {}
    }
    expect(routesOf(MalformedGateway)).toThrow(/MalformedGateway: path "chat\/:room" must start with "\/"/);
  });

  it('a class without @WebSocket', () => {
    class PlainClass {}
    expect(routesOf(PlainClass)).toThrow(/PlainClass is not a gateway/);
  });

  it('@Param naming a parameter the path does not have', () => {
    @WebSocket('/rooms/:room')
    class TypoGateway {
      @OnConnect() c(_ws: unknown, @Param('rom') room: string): void {
        void room;
      }
    }
    expect(routesOf(TypoGateway)).toThrow(/TypoGateway.c: @Param\('rom'\) is not in path/);
  });

  it('an undecorated parameter after the connection', () => {
    @WebSocket('/bare/:room')
    class BareGateway {
      @OnConnect() c(_ws: unknown, room: string): void {
        void room;
      }
    }
    expect(routesOf(BareGateway)).toThrow(/parameter 1 of BareGateway.c has no decorator/);
  });

  it('two @OnConnect methods', () => {
    @WebSocket('/twice')
    class TwiceGateway {
      @OnConnect() a(): void {}
      @OnConnect() b(): void {}
    }
    expect(routesOf(TwiceGateway)).toThrow(/TwiceGateway has 2 @OnConnect\(\) methods/);
  });

  it('a route added after listen()', async () => {
    const app = new ProAPI({ logger: silentLogger });
    app.websocket('/x', () => undefined);
    await app.listen(0, '127.0.0.1');
    try {
      expect(() => app.websocket('/y', () => undefined)).toThrow(/cannot add \/y after listen\(\)/);
    } finally {
      await app.close();
    }
  });
});
