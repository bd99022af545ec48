import { IsString } from 'class-validator';
import {
  Message,
  OnConnect,
  OnMessage,
  ProAPI,
  Query,
  RouteDefinitionError,
  silentLogger,
  UseMiddleware,
  WebSocket,
  WebSocketMiddleware,
  type GatewayContainer,
  type MiddlewareNext,
  type WebSocketConnection,
} from '../../index';

class BaseMessage {
  @IsString() text!: string;
}
class ChatMessage extends BaseMessage {}
class OtherMessage {
  @IsString() other!: string;
}
interface ChatShape {
  text: string;
}

const boot = (gateway: object, container?: GatewayContainer) => () =>
  new ProAPI({ logger: silentLogger, gateways: [gateway], container }).describe();

describe('the message parameter must be declared as the DTO', () => {
  it('refuses another class, naming the class, the method and both types', () => {
    @WebSocket('/wrong')
    class WrongGateway {
      @OnMessage('chat', ChatMessage)
      chat(@Message() msg: OtherMessage): void {
        void msg;
      }
    }
    expect(boot(WrongGateway)).toThrow(RouteDefinitionError);
    expect(boot(WrongGateway)).toThrow(
      'WrongGateway.chat: the message parameter (parameter 0) is declared as OtherMessage, but it receives a ChatMessage; ' +
        'declare it as ChatMessage, or pass OtherMessage to @OnMessage()',
    );
  });

  it('checks the undecorated message parameter too', () => {
    @WebSocket('/undecorated')
    class UndecoratedGateway {
      @OnMessage('chat', ChatMessage)
      chat(ws: WebSocketConnection, msg: string): void {
        void [ws, msg];
      }
    }
    expect(boot(UndecoratedGateway)).toThrow(/UndecoratedGateway\.chat: the message parameter \(parameter 1\) is declared as String, but it receives a ChatMessage/);
  });

  it('refuses a class for an unvalidated payload, which is a plain object', () => {
    @WebSocket('/unvalidated')
    class UnvalidatedGateway {
      @OnMessage('chat', null)
      chat(@Message() msg: ChatMessage): void {
        void msg;
      }
    }
    expect(boot(UnvalidatedGateway)).toThrow(
      'UnvalidatedGateway.chat: the message parameter (parameter 0) is declared as ChatMessage, but it receives the unvalidated ' +
        'payload (a plain object), as @OnMessage(type, null) says; pass ChatMessage to @OnMessage() to validate messages against it, ' +
        'or declare the parameter as an interface or unknown',
    );
  });

  it('accepts the DTO, a base class of it, and what TypeScript emits as Object (interfaces, unknown, any)', () => {
    @WebSocket('/fine')
    class FineGateway {
      @OnMessage('exact', ChatMessage) exact(@Message() msg: ChatMessage): void {
        void msg;
      }
      @OnMessage('base', ChatMessage) base(@Message() msg: BaseMessage): void {
        void msg;
      }
      @OnMessage('shape', ChatMessage) shape(@Message() msg: ChatShape): void {
        void msg;
      }
      @OnMessage('unknown', null) unknown(@Message() msg: unknown): void {
        void msg;
      }
      @OnMessage('plain', null) plain(ws: WebSocketConnection, msg: Record<string, unknown>): void {
        void [ws, msg];
      }
    }
    expect(boot(FineGateway)().routes[0].messages.map((m) => m.type)).toEqual(['base', 'exact', 'plain', 'shape', 'unknown']);
  });
});

describe('request values declared with a type a string cannot become', () => {
  it('are refused at boot', () => {
    @WebSocket('/tags')
    class TagsGateway {
      @OnConnect() connect(@Query('tags') tags: string[]): void {
        void tags;
      }
    }
    expect(boot(TagsGateway)).toThrow(
      "TagsGateway.connect: @Query('tags') is declared as Array, but request values arrive as text; " +
        'declare it as string, number or boolean (numbers and booleans are converted)',
    );
  });
});

describe('middleware classes with constructor arguments', () => {
  class Greeting extends WebSocketMiddleware {
    constructor(readonly greeting: string) {
      super();
    }
    handle(_ws: WebSocketConnection, next: MiddlewareNext): Promise<unknown> {
      return next();
    }
  }

  @WebSocket('/greet')
  @UseMiddleware(Greeting)
  class GreetGateway {
    @OnConnect() connect(): void {}
  }

  it('are refused without a container, with how to fix it', () => {
    expect(boot(GreetGateway)).toThrow(
      'middleware class Greeting takes constructor arguments (1), but the app has no container to supply them; ' +
        'pass an instance (new Greeting(...)) instead of the class, or give the app a container: new ProAPI({ container })',
    );
  });

  it('are built by the container when there is one', () => {
    const built: object[] = [];
    const container: GatewayContainer = {
      get<T>(cls: new (...args: never[]) => T): T {
        const instance = cls === (Greeting as unknown) ? new Greeting('hello') : new (cls as unknown as new () => T)();
        built.push(instance as object);
        return instance as T;
      },
    };
    expect(boot(GreetGateway, container)().routes[0].middlewares).toEqual([{ name: 'Greeting' }]);
    expect(built.find((b) => b instanceof Greeting)).toMatchObject({ greeting: 'hello' });
  });
});
