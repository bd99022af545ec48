import { IsInt, IsString, Length } from 'class-validator';
import {
  Conn,
  Emits,
  Message,
  OnConnect,
  OnMessage,
  ProAPI,
  silentLogger,
  WebSocket,
  WsException,
  type ProAPIOptions,
  type WebSocketConnection,
} from '../../index';
import type { ClientApi } from '../../client';

export class AddRequest {
  @IsInt() a!: number;
  @IsInt() b!: number;
}

export class Sum {
  @IsInt() sum!: number;
}

export class Shout {
  @IsString() @Length(1, 100) text!: string;
}

export class Notice {
  @IsString() text!: string;
}

/** Handlers a spec can hold: `wait` replies when the spec releases it. */
export interface Held {
  readonly started: () => void;
  readonly release: Promise<void>;
}

/** A gateway with a reply, a handler that waits, a WsException, and two declared pushes. */
export function calculatorApp(hold?: () => Held, options: ProAPIOptions = {}): ProAPI {
  @WebSocket('/calc')
  @Emits({ notice: Notice, shout: Shout })
  class CalculatorGateway {
    @OnConnect()
    async connect(ws: WebSocketConnection) {
      await ws.accept();
      await ws.joinRoom('calc');
      await ws.sendJson({ type: 'notice', text: 'welcome' });
    }

    @OnMessage('add', AddRequest, { reply: Sum })
    add(@Message() msg: AddRequest): Sum {
      return { sum: msg.a + msg.b };
    }

    @OnMessage('wait', null)
    async wait(): Promise<string> {
      const held = hold?.();
      held?.started();
      await held?.release;
      return 'done';
    }

    @OnMessage('refuse', null)
    refuse(): never {
      throw new WsException('not_allowed', 'you may not', { hint: 'ask nicely' });
    }

    /** Pushes a look-alike of the reply first: same type, the id a fresh client's first request gets, one more field. */
    @OnMessage('tricky', null)
    async tricky(@Conn() ws: WebSocketConnection): Promise<string> {
      await ws.sendJson({ type: 'tricky', id: 1, text: 'a push, not the reply' });
      return 'the reply';
    }

    @OnMessage('bye', null)
    async bye(@Conn() ws: WebSocketConnection): Promise<void> {
      await ws.close(1000, 'bye');
    }

    @OnMessage('shout', Shout)
    async shout(@Message() msg: Shout, @Conn() ws: WebSocketConnection): Promise<void> {
      await ws.broadcastJsonToAll('calc', { type: 'shout', text: msg.text });
    }
  }
  return new ProAPI({ logger: silentLogger, gateways: [CalculatorGateway], ...options });
}

/** The calculator as `proapi client` would describe it. */
export interface CalculatorApi extends ClientApi {
  readonly discriminator: 'type';
  readonly idField: 'id';
  readonly messages: {
    readonly add: { readonly payload: { a: number; b: number }; readonly reply: { sum: number } };
    readonly wait: { readonly payload: Record<string, unknown>; readonly reply: unknown };
    readonly refuse: { readonly payload: Record<string, unknown>; readonly reply: unknown };
    readonly shout: { readonly payload: { text: string }; readonly reply: unknown };
    readonly bye: { readonly payload: Record<string, unknown>; readonly reply: unknown };
    readonly tricky: { readonly payload: Record<string, unknown>; readonly reply: string };
  };
  readonly pushes: { readonly notice: { text: string }; readonly shout: { text: string }; readonly tricky: { id: number; text: string } };
}
