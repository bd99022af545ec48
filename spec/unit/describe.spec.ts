import { IsInt, IsString, Length } from 'class-validator';
import {
  Emits,
  Header,
  Message,
  OnConnect,
  OnDisconnect,
  OnMessage,
  Param,
  ProAPI,
  Query,
  RouteDefinitionError,
  silentLogger,
  UseMiddleware,
  WebSocket,
  type RouteDescriptor,
  type WebSocketConnection,
} from '../../index';
import { AuthMiddleware, WebSocketMiddleware, type MiddlewareNext } from '../../middleware';

class ChatMessage {
  @IsString() @Length(1, 200) text!: string;
}
class ChatReceipt {
  received!: number;
}
class JoinMessage {
  @IsString() name!: string;
}
class JoinReply {
  members!: string[];
}
class SystemNotice {
  message!: string;
}
class ChatBroadcast {
  @IsString() from!: string;
  @IsString() text!: string;
}
class MoveMessage {
  @IsInt() x!: number;
}

class Audit extends WebSocketMiddleware {
  handle(_ws: WebSocketConnection, next: MiddlewareNext): Promise<unknown> {
    return next();
  }
}

const auth = new AuthMiddleware(() => ({ name: 'ann' }), { tokenSources: ['query', 'subprotocol'], queryParam: 'access_token' });

@WebSocket('/rooms/:org/:room', { discriminator: 'kind', idField: 'ref' })
@UseMiddleware(Audit)
@Emits({ system: SystemNotice, message: ChatBroadcast })
class ChatGateway {
  @OnConnect()
  @UseMiddleware(auth)
  connect(ws: WebSocketConnection, @Param('org') org: number, @Query('since') since?: number, @Header('X-Client') client?: string) {
    void [ws, org, since, client];
  }

  @OnMessage('join', JoinMessage, { reply: JoinReply })
  join(@Message() msg: JoinMessage, @Query('since') since?: number): JoinReply {
    return { members: [msg.name, String(since)] };
  }

  @OnMessage('chat', ChatMessage, { reply: ChatReceipt })
  async chat(@Message() msg: ChatMessage, @Query('debug') debug?: boolean): Promise<ChatReceipt> {
    return { received: debug ? 0 : msg.text.length };
  }

  @OnDisconnect()
  left(): void {}
}

function described(): readonly RouteDescriptor[] {
  const app = new ProAPI({ logger: silentLogger, gateways: [ChatGateway] });
  app.use(function requestId(_ws, next) {
    return next();
  });
  app.websocket('/echo/*', async function echo(ws) {
    await ws.accept();
  });
  return app.describe().routes;
}

describe('app.describe()', () => {
  it('describes a gateway: path params, query and headers with their types, middleware, handlers, typed messages and pushes', () => {
    expect(described()[0]).toEqual({
      path: '/rooms/:org/:room',
      params: [
        { name: 'org', type: 'number' },
        { name: 'room', type: 'string' },
      ],
      wildcard: false,
      query: [
        { name: 'since', type: 'number' },
        { name: 'debug', type: 'boolean' },
      ],
      headers: [{ name: 'x-client', type: 'string' }],
      gateway: 'ChatGateway',
      style: 'messages',
      connect: 'connect',
      disconnect: 'left',
      middlewares: [
        { name: 'requestId' },
        { name: 'Audit' },
        {
          name: 'AuthMiddleware',
          security: {
            scheme: 'bearer',
            tokens: [
              { in: 'query', name: 'access_token' },
              { in: 'subprotocol', name: 'bearer' },
            ],
            status: 401,
          },
        },
      ],
      discriminator: 'kind',
      idField: 'ref',
      messages: [
        { type: 'chat', handler: 'chat', dto: ChatMessage, reply: ChatReceipt },
        { type: 'join', handler: 'join', dto: JoinMessage, reply: JoinReply },
      ],
      emits: [
        { type: 'message', payload: ChatBroadcast },
        { type: 'system', payload: SystemNotice },
      ],
    });
  });

  it('describes a function route and a loop gateway with their defaults', () => {
    @WebSocket('/loop')
    class LoopGateway {
      @OnConnect()
      run(): void {}
    }
    const app = new ProAPI({ logger: silentLogger, gateways: [LoopGateway] });
    app.websocket('/files/*', async function serveFiles() {});
    const [loop, fn] = app.describe().routes;
    const bare = { params: [], query: [], headers: [], disconnect: null, discriminator: null, idField: null, messages: [], emits: [], middlewares: [] };
    expect(loop).toEqual({ ...bare, path: '/loop', wildcard: false, gateway: 'LoopGateway', style: 'loop', connect: 'run' });
    expect(fn).toEqual({ ...bare, path: '/files/*', wildcard: true, gateway: null, style: 'function', connect: 'serveFiles' });
  });

  it('is frozen all the way down, while the classes it names stay usable', () => {
    const [route, echo] = described();
    expect(Object.isFrozen(route)).toBe(true);
    for (const list of [route.params, route.query, route.messages, route.middlewares, route.emits, echo.middlewares]) {
      expect(Object.isFrozen(list)).toBe(true);
      for (const item of list) expect(Object.isFrozen(item)).toBe(true);
    }
    expect(Object.isFrozen(route.middlewares[2].security?.tokens)).toBe(true);
    expect(Object.isFrozen(ChatMessage)).toBe(false);
    // The middleware's own description is copied, not frozen in place.
    expect(Object.isFrozen(auth.describe().security)).toBe(false);
  });

  it('is what app.routes summarizes', () => {
    const app = new ProAPI({ logger: silentLogger, gateways: [ChatGateway] });
    expect(app.routes).toEqual([
      {
        path: '/rooms/:org/:room',
        gateway: 'ChatGateway',
        handler: 'connect (@OnConnect), chat (@OnMessage chat), join (@OnMessage join), left (@OnDisconnect)',
        middlewares: ['Audit', 'AuthMiddleware'],
      },
    ]);
  });

  it('inherits pushes from a base gateway; a subclass may redeclare a type', () => {
    @Emits({ system: SystemNotice, message: ChatBroadcast })
    class BaseGateway {
      @OnConnect() connect(): void {}
    }
    @WebSocket('/child')
    @Emits({ system: ChatBroadcast })
    class ChildGateway extends BaseGateway {}
    const app = new ProAPI({ logger: silentLogger, gateways: [ChildGateway] });
    expect(app.describe().routes[0].emits).toEqual([
      { type: 'message', payload: ChatBroadcast },
      { type: 'system', payload: ChatBroadcast },
    ]);
  });

  it('refuses a push of type "error", and one that is not a class', () => {
    @WebSocket('/reserved')
    @Emits({ error: SystemNotice })
    class ReservedGateway {
      @OnConnect() connect(): void {}
    }
    const boot = (gateway: object) => () => new ProAPI({ logger: silentLogger, gateways: [gateway] }).describe();
    expect(boot(ReservedGateway)).toThrow(new RouteDefinitionError(
      'ReservedGateway: @Emits() declares a push of type "error", which is reserved for error replies; choose another type',
    ));
    @WebSocket('/not-a-class')
    @Emits({ notice: 'SystemNotice' as unknown as typeof SystemNotice })
    class NotAClassGateway {
      @OnConnect() connect(): void {}
    }
    expect(boot(NotAClassGateway)).toThrow(/NotAClassGateway: @Emits\(\) maps "notice" to SystemNotice; map each push type to the class/);
  });

  it('refuses a request value declared with two types in one route', () => {
    @WebSocket('/conflict')
    class ConflictGateway {
      @OnConnect() connect(@Query('limit') limit?: number): void {
        void limit;
      }
      @OnMessage('move', MoveMessage) move(@Message() msg: MoveMessage, @Query('limit') limit?: string): void {
        void [msg, limit];
      }
    }
    expect(() => new ProAPI({ logger: silentLogger, gateways: [ConflictGateway] }).describe()).toThrow(
      "ConflictGateway: @Query('limit') is declared as number in ConflictGateway.connect() and as string in ConflictGateway.move(); " +
        'declare it the same way in both',
    );
  });
});

describe('@OnMessage reply types are checked at compile time', () => {
  it('accepts a method returning the reply or a promise of it, and refuses another shape', () => {
    class Typed {
      @OnMessage('a', MoveMessage, { reply: ChatReceipt })
      a(): ChatReceipt {
        return { received: 1 };
      }
      @OnMessage('b', MoveMessage, { reply: ChatReceipt })
      async b(): Promise<ChatReceipt> {
        return { received: 2 };
      }
      // @ts-expect-error the method returns a string, but the declared reply is ChatReceipt
      @OnMessage('c', MoveMessage, { reply: ChatReceipt })
      c(): string {
        return 'no';
      }
      // @ts-expect-error a missing field is a compile error too
      @OnMessage('d', MoveMessage, { reply: ChatReceipt })
      async d() {
        return { recieved: 3 };
      }
      @OnMessage('e', MoveMessage)
      e(): string {
        return 'without a declared reply, anything goes';
      }
    }
    expect(new Typed().a()).toEqual({ received: 1 });
  });
});
