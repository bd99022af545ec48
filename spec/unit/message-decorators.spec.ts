import { Type } from 'class-transformer';
import {
  IsString,
  Validate,
  ValidateNested,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import {
  Conn,
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
  User,
  WebSocket,
  type GatewayClass,
  type WebSocketConnection,
} from '../../index';
import { DtoValidator } from '../../lib/messages/dto-validator';
import { captureLogger } from '../helpers/capture-logger';
import { RateLimitMiddleware, UseMiddleware } from '../../middleware';
import { readOwnRecord, readOwnRecords } from '../../lib/metadata/metadata-store';
import { MetadataKey, type GatewayRecord, type MessageRecord, type ParamRecord } from '../../lib/metadata/records';

class ChatMessage {
  @IsString() text!: string;
}

/** Scans the gateway the way listen() does, without a server. */
function boot(gateway: GatewayClass): readonly { path: string; handler: string }[] {
  return new ProAPI({ logger: silentLogger, gateways: [gateway] }).routes;
}

describe('@OnMessage and its parameter decorators record metadata', () => {
  @WebSocket('/chat/:room', { discriminator: 'event', closeOn: ['internal'] })
  class ChatGateway {
    @OnMessage('chat', ChatMessage)
    chat(
      @Message() msg: ChatMessage,
      @Conn() ws: WebSocketConnection,
      @Param('room') room: string,
      @Query('name') name: string,
      @Header('Origin') origin: string,
      @User() user: unknown,
    ) {
      return [msg, ws, room, name, origin, user];
    }

    @OnMessage('ping', null)
    @OnMessage('ping2', null)
    ping() {
      return 'pong';
    }

    @OnDisconnect()
    left() {}
  }

  it('stores one record per @OnMessage on the prototype, with its DTO', () => {
    const records = readOwnRecords<MessageRecord>(MetadataKey.MESSAGES, ChatGateway.prototype);
    expect(records).toEqual(
      expect.arrayContaining([
        { propertyKey: 'chat', type: 'chat', dto: ChatMessage },
        { propertyKey: 'ping', type: 'ping', dto: null },
        { propertyKey: 'ping', type: 'ping2', dto: null },
      ]),
    );
    expect(records).toHaveLength(3);
  });

  it('stores parameter sources and the gateway options', () => {
    const params = readOwnRecords<ParamRecord>(MetadataKey.PARAMS, ChatGateway.prototype);
    expect(params.map(({ index, source, name }) => ({ index, source, name })).sort((a, b) => a.index - b.index)).toEqual([
      { index: 0, source: 'message', name: undefined },
      { index: 1, source: 'conn', name: undefined },
      { index: 2, source: 'param', name: 'room' },
      { index: 3, source: 'query', name: 'name' },
      { index: 4, source: 'header', name: 'origin' },
      { index: 5, source: 'user', name: undefined },
    ]);
    expect(readOwnRecord<GatewayRecord>(MetadataKey.GATEWAY, ChatGateway)).toEqual({
      path: '/chat/:room',
      options: { discriminator: 'event', closeOn: ['internal'] },
    });
  });

  it('boots into one route that lists every handler', () => {
    expect(boot(ChatGateway)).toEqual([
      { path: '/chat/:room', gateway: 'ChatGateway', handler: 'chat (@OnMessage chat), ping (@OnMessage ping, ping2), left (@OnDisconnect)', middlewares: [] },
    ]);
  });

  it('inherits handlers from a parent gateway', () => {
    @WebSocket('/child/:room')
    class ChildGateway extends ChatGateway {}
    expect(boot(ChildGateway)[0].handler).toBe('chat (@OnMessage chat), ping (@OnMessage ping, ping2), left (@OnDisconnect)');
  });
});

describe('message gateways are checked at boot', () => {
  const bootError = (gateway: GatewayClass): string => {
    try {
      boot(gateway);
    } catch (error) {
      expect(error).toBeInstanceOf(RouteDefinitionError);
      return (error as Error).message;
    }
    throw new Error(`${gateway.name} booted but should not have`);
  };

  it('refuses a message type handled twice, naming the class and the type', () => {
    @WebSocket('/dup')
    class DupGateway {
      @OnMessage('chat', ChatMessage) first() {}
      @OnMessage('chat', null) second() {}
    }
    expect(bootError(DupGateway)).toBe(
      `DupGateway: message type "chat" is handled by both DupGateway.first() and DupGateway.second(); keep one @OnMessage('chat')`,
    );
  });

  it('refuses a handler without a DTO and says how to opt out', () => {
    @WebSocket('/nodto')
    class NoDtoGateway {
      // @ts-expect-error -- the DTO argument is required; JavaScript callers can still leave it out
      @OnMessage('ping') ping() {}
    }
    expect(bootError(NoDtoGateway)).toBe(
      "NoDtoGateway.ping: @OnMessage('ping') has no DTO class. Pass the class its messages must match, " +
        "e.g. @OnMessage('ping', PingMessage), or pass null to receive them unvalidated",
    );
  });

  it('refuses a DTO that forbidUnknownValues would reject every time', () => {
    class Empty {}
    @WebSocket('/empty')
    class EmptyDtoGateway {
      @OnMessage('ping', Empty) ping() {}
    }
    expect(bootError(EmptyDtoGateway)).toMatch(/^EmptyDtoGateway\.ping: Empty has no class-validator decorators/);
  });

  it('refuses a handler for the reserved type "error"', () => {
    @WebSocket('/error', { discriminator: 'event' })
    class ErrorTypeGateway {
      @OnMessage('error', null) error() {}
    }
    expect(bootError(ErrorTypeGateway)).toBe(
      'ErrorTypeGateway.error: message type "error" is reserved: error replies are { "event": "error", ... }, ' +
        "so clients could not tell them apart from this handler's replies. Choose another type",
    );
  });

  it('refuses a DTO that validates the request id or the discriminator field, naming the option', () => {
    class Order {
      @IsString() id!: string;
    }
    @WebSocket('/orders')
    class IdGateway {
      @OnMessage('order', Order) order() {}
    }
    expect(bootError(IdGateway)).toBe(
      'IdGateway.order: Order validates a property "id", but "id" is the gateway\'s request id field (option idField), ' +
        'taken out of every message before validation, so it would never arrive. Rename the property, ' +
        "or move the request id to another field: @WebSocket(path, { idField: 'requestId' })",
    );

    class Shape extends ChatMessage {
      @IsString() kind!: string;
    }
    @WebSocket('/shapes', { discriminator: 'kind' })
    class KindGateway {
      @OnMessage('circle', Shape) circle() {}
    }
    expect(bootError(KindGateway)).toMatch(
      /^KindGateway\.circle: Shape validates a property "kind", but "kind" is the gateway's message type field \(option discriminator\)/,
    );

    // With the request id moved elsewhere, the DTO's own `id` arrives.
    @WebSocket('/orders2', { idField: 'ref' })
    class MovedIdGateway {
      @OnMessage('order', Order) order() {}
    }
    expect(boot(MovedIdGateway)).toHaveLength(1);
  });

  it('refuses parameters that cannot be resolved', () => {
    @WebSocket('/room/:room')
    class BadParamGateway {
      @OnMessage('chat', ChatMessage) chat(@Param('roomId') room: string) {
        return room;
      }
    }
    expect(bootError(BadParamGateway)).toMatch(/@Param\('roomId'\) is not in path "\/room\/:room"/);

    @WebSocket('/extra')
    class ExtraParamGateway {
      @OnMessage('chat', ChatMessage) chat(ws: unknown, msg: unknown, extra: unknown) {
        return [ws, msg, extra];
      }
    }
    expect(bootError(ExtraParamGateway)).toMatch(/parameter 2 of ExtraParamGateway\.chat has no decorator/);

    @WebSocket('/msg-in-connect')
    class MessageInConnectGateway {
      @OnConnect() connect(ws: WebSocketConnection, @Message() msg: unknown) {
        return [ws, msg];
      }
    }
    expect(bootError(MessageInConnectGateway)).toMatch(/@Message\(\) only works in @OnMessage\(\) handlers/);
  });

  it('refuses @OnDisconnect without @OnMessage handlers, and two of a hook', () => {
    @WebSocket('/loop')
    class LoopGateway {
      @OnConnect() connect() {}
      @OnDisconnect() left() {}
    }
    expect(bootError(LoopGateway)).toMatch(/@OnDisconnect\(\) runs in gateways with @OnMessage\(\) handlers/);

    @WebSocket('/twice')
    class TwiceGateway {
      @OnMessage('ping', null) ping() {}
      @OnDisconnect() a() {}
      @OnDisconnect() b() {}
    }
    expect(bootError(TwiceGateway)).toBe('TwiceGateway has 2 @OnDisconnect() methods (a, b); keep one');
  });

  it('refuses @UseMiddleware on @OnMessage and @OnDisconnect methods, where it would do nothing', () => {
    @WebSocket('/mw')
    class MiddlewareOnMessage {
      @OnMessage('ping', null)
      @UseMiddleware(new RateLimitMiddleware({ maxMessages: 1, windowSeconds: 1 }))
      ping() {}
    }
    expect(bootError(MiddlewareOnMessage)).toBe(
      'MiddlewareOnMessage.ping: @UseMiddleware() runs per connection, so it belongs on the class ' +
        'or its @OnConnect() method, not on an @OnMessage() or @OnDisconnect() method',
    );
  });

  it('refuses options that cannot work', () => {
    @WebSocket('/opts', { closeOn: ['nonsense' as 'internal'] })
    class BadCloseOn {
      @OnMessage('ping', null) ping() {}
    }
    expect(bootError(BadCloseOn)).toMatch(/closeOn has "nonsense"/);

    @WebSocket('/opts2', { discriminator: 'data' })
    class ReservedField {
      @OnMessage('ping', null) ping() {}
    }
    expect(bootError(ReservedField)).toMatch(/option discriminator cannot be "data"/);

    @WebSocket('/opts3', { defaultType: 'chat' })
    class UnhandledDefault {
      @OnMessage('ping', null) ping() {}
    }
    expect(bootError(UnhandledDefault)).toBe(
      `UnhandledDefault: option defaultType is "chat", but no @OnMessage('chat') handles it`,
    );
  });
});

describe('DtoValidator', () => {
  @ValidatorConstraint({ async: true })
  class NameIsFree implements ValidatorConstraintInterface {
    validate(value: unknown): Promise<boolean> {
      return Promise.resolve(value !== 'taken');
    }
  }
  class AsyncMessage {
    @Validate(NameIsFree) name!: string;
  }
  class Wrapper {
    @ValidateNested() @Type(() => AsyncMessage) inner!: AsyncMessage;
  }

  class SyncWrapper {
    @ValidateNested() @Type(() => ChatMessage) inner!: ChatMessage;
    @ValidateNested({ each: true }) @Type(() => ChatMessage) list!: ChatMessage[];
  }

  it('validates synchronously unless a constraint, also a nested one, is async', async () => {
    expect(new DtoValidator(ChatMessage).isAsync).toBe(false);
    // Needs class-transformer's @Type() records: without them every nested DTO would count as async.
    expect(new DtoValidator(SyncWrapper).isAsync).toBe(false);
    expect(new DtoValidator(AsyncMessage).isAsync).toBe(true);
    const nested = new DtoValidator(Wrapper);
    expect(nested.isAsync).toBe(true);
    await expect(nested.parse({ inner: { name: 'taken' } })).rejects.toMatchObject({
      name: 'WebSocketValidationError',
      closeCode: 1007,
      details: [{ property: 'inner.name', constraints: { NameIsFree: expect.any(String) as unknown } }],
    });
    await expect(nested.parse({ inner: { name: 'free' } })).resolves.toBeInstanceOf(Wrapper);
  });

  it("warns once when class-transformer's @Type() records cannot be read, and not at a normal boot", () => {
    jest.isolateModules(() => {
      // class-transformer loads the same module itself, so a broken one cannot be mocked: say it failed.
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh copy, not yet warned
      const fresh = require('../../lib/messages/dto-validator') as typeof import('../../lib/messages/dto-validator');
      const log = captureLogger();
      fresh.warnIfTransformerStorageMissing(log, false);
      fresh.warnIfTransformerStorageMissing(log, false);
      expect(log.entries).toEqual([
        {
          level: 'warn',
          fields: { module: 'class-transformer/cjs/storage' },
          message:
            'could not load class-transformer/cjs/storage, so DTOs with nested DTOs are validated asynchronously (slower); ' +
            'install the class-transformer version proapi lists as a peer dependency',
        },
      ]);
    });
    const log = captureLogger();
    new ProAPI({ logger: log });
    expect(log.entries.filter((entry) => entry.level === 'warn')).toEqual([]);
  });
});
