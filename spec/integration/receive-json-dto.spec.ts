import { IsInt, IsString, MaxLength, Min } from 'class-validator';
import { WebSocketValidationError } from '../../index';
import { startApp, type StartedApp } from '../helpers/app';

class Move {
  @IsString() @MaxLength(8) piece!: string;
  @IsInt() @Min(0) square!: number;
}

describe('receiveJson(Dto) in loop-style handlers', () => {
  let server: StartedApp;
  beforeAll(async () => {
    server = await startApp({ maxJsonDepth: 4 }, (app) => {
      app.websocket('/moves', async (ws) => {
        await ws.accept();
        for (;;) {
          try {
            const move = await ws.receiveJson(Move);
            await ws.sendJson({ ok: move instanceof Move, piece: move.piece, square: move.square });
          } catch (error) {
            if (!(error instanceof WebSocketValidationError)) throw error;
            await ws.sendJson({ dto: error.dto, details: error.details });
          }
        }
      });
      app.websocket('/lenient', async (ws) => {
        await ws.accept();
        const move = await ws.receiveJson(Move, { validation: { forbidNonWhitelisted: false } });
        await ws.sendJson({ keys: Object.keys(move).sort() });
      });
      app.websocket('/strict', async (ws) => {
        await ws.accept();
        await ws.receiveJson(Move); // a validation error escapes: close 1007
      });
      app.websocket('/undecorated', async (ws) => {
        await ws.accept();
        class Untyped {
          piece!: string;
        }
        try {
          await ws.receiveJson(Untyped);
        } catch (error) {
          await ws.sendJson({ name: (error as Error).name, message: (error as Error).message });
        }
        await ws.sendJson(await ws.receiveJson());
      });
      app.websocket('/plain', async (ws) => {
        await ws.accept();
        await ws.sendJson(await ws.receiveJson<{ a: unknown }>()); // unsafe JSON escapes: close 1007
        await ws.sendJson(await ws.receiveJson());
      });
    });
  });
  afterAll(() => server.app.close());

  it('returns a validated DTO instance, and a WebSocketValidationError with details otherwise', async () => {
    const client = await server.client.connect('/moves');
    client.sendJson({ piece: 'knight', square: 12 });
    expect(await client.receiveJson()).toEqual({ ok: true, piece: 'knight', square: 12 });
    client.sendJson({ piece: 'dragonfly', square: -1, castle: true });
    expect(await client.receiveJson()).toEqual({
      dto: 'Move',
      details: [
        { property: 'castle', constraints: { whitelistValidation: 'property castle should not exist' } },
        { property: 'piece', constraints: { maxLength: 'piece must be shorter than or equal to 8 characters' } },
        { property: 'square', constraints: { min: 'square must not be less than 0' } },
      ],
    });
    client.sendText('"not an object"');
    expect(await client.receiveJson()).toEqual({
      dto: 'Move',
      details: [{ property: '', constraints: { isObject: 'the message must be a JSON object' } }],
    });
    await client.close();
  });

  it('takes validation options per call', async () => {
    const client = await server.client.connect('/lenient');
    client.sendJson({ piece: 'rook', square: 0, castle: true });
    expect(await client.receiveJson()).toEqual({ keys: ['piece', 'square'] });
  });

  it('closes with 1007 when a validation error escapes the handler', async () => {
    const client = await server.client.connect('/strict');
    client.sendJson({ piece: 'rook' });
    const closed = await client.expectClose();
    expect(closed.code).toBe(1007);
    expect(closed.reason).toBe('invalid Move: square must not be less than 0'); // the first problem, as in error frames
  });

  it('keeps receiveJson<T>() unvalidated but parses it safely, bounded by maxJsonDepth', async () => {
    const client = await server.client.connect('/plain');
    client.sendJson({ a: [[[1]]] });
    expect(await client.receiveJson()).toEqual({ a: [[[1]]] });
    client.sendJson({ a: [[[[1]]]] });
    expect(await client.expectClose()).toEqual({
      code: 1007,
      reason: 'message is not valid JSON: nesting is deeper than 4 levels (option maxJsonDepth)',
    });
  });

  it('refuses prototype keys in receiveJson<T>() too', async () => {
    const client = await server.client.connect('/plain');
    client.sendText('{"a":1,"__proto__":{"polluted":true}}');
    expect((await client.expectClose()).code).toBe(1007);
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts a "constructor" key with a plain value, and refuses one with an object value', async () => {
    const client = await server.client.connect('/plain');
    client.sendText('{"constructor":"Ferrari"}');
    expect(await client.receiveJson()).toEqual({ constructor: 'Ferrari' });
    client.sendText('{"constructor":{"prototype":{"polluted":true}}}');
    expect(await client.expectClose()).toEqual({
      code: 1007,
      reason: 'message is not valid JSON: key "constructor" is not allowed with an object value: it could alter object prototypes',
    });
  });

  it('rejects a DTO without class-validator decorators at once, before taking a message', async () => {
    const client = await server.client.connect('/undecorated');
    expect(await client.receiveJson()).toEqual({
      name: 'TypeError',
      message:
        'receiveJson(Untyped): Untyped has no class-validator decorators, so forbidUnknownValues would reject ' +
        'every message. Decorate its properties (e.g. @IsString()), or call receiveJson() without a class for unvalidated JSON',
    });
    client.sendText('{"piece":"pawn"}');
    expect(await client.receiveJson()).toEqual({ piece: 'pawn' });
    await client.close();
  });
});
