import {
  ReceiveTimeoutError,
  WebSocketDisconnect,
  WebSocketJsonError,
  WebSocketMessageTypeError,
  WsException,
  type InboundMessage,
} from '../../index';
import { startApp, type StartedApp } from '../helpers/app';
import { captureLogger } from '../helpers/capture-logger';
import { deferred, withTimeout } from '../helpers/async';

describe('close codes after accept', () => {
  const logger = captureLogger();
  let server: StartedApp;
  const disconnect = deferred<WebSocketDisconnect>();
  const iterated = deferred<InboundMessage[]>();
  const caught = deferred<string>();
  const sendAfterClose = deferred<unknown>();
  const timedOut = deferred<number>();

  beforeAll(async () => {
    server = await startApp({ logger, maxQueuedMessages: 4, maxPayloadLength: 1024 }, (app) => {
      app.websocket('/text', async (ws) => {
        await ws.accept();
        for (;;) await ws.sendText(await ws.receiveText());
      });
      app.websocket('/json', async (ws) => {
        await ws.accept();
        for (;;) await ws.sendJson(await ws.receiveJson());
      });
      app.websocket('/bytes', async (ws) => {
        await ws.accept();
        try {
          await ws.receiveBytes();
        } catch (error) {
          caught.resolve((error as Error).name);
        }
        await ws.sendBytes(await ws.receiveBytes());
      });
      app.websocket('/idle', async (ws) => {
        await ws.accept();
        await ws.waitForClose();
      });
      app.websocket('/crash', async (ws) => {
        await ws.accept();
        await ws.receiveText();
        throw new Error('handler bug');
      });
      app.websocket('/refuses', async (ws) => {
        await ws.accept();
        const wish = await ws.receiveText();
        if (wish === 'plain') throw new WsException('not_allowed', 'you may not do that', { wish });
        throw new WsException('not_allowed', 'nor that', undefined, { closeCode: 4403 });
      });
      app.websocket('/peer-close', async (ws) => {
        await ws.accept();
        try {
          await ws.receiveText();
        } catch (error) {
          disconnect.resolve(error as WebSocketDisconnect);
        }
        sendAfterClose.resolve(await ws.sendText('too late').catch((e: unknown) => e));
      });
      app.websocket('/iterate', async (ws) => {
        await ws.accept();
        const seen: InboundMessage[] = [];
        for await (const message of ws) seen.push(message);
        iterated.resolve(seen);
      });
      app.websocket('/timeout', async (ws) => {
        await ws.accept();
        const started = Date.now();
        const error = await ws.receiveText({ timeout: 50 }).catch((e: unknown) => e);
        if (error instanceof ReceiveTimeoutError) timedOut.resolve(Date.now() - started);
        await ws.sendText(`still open: ${await ws.receiveText()}`);
      });
    });
  });
  afterAll(() => server.app.close());

  it('1003 when a binary frame arrives where text was expected; others unaffected', async () => {
    const bystander = await server.client.connect('/text');
    const client = await server.client.connect('/text');
    client.sendBytes(Buffer.from([1, 2, 3]));
    expect(await client.expectClose()).toEqual({ code: 1003, reason: new WebSocketMessageTypeError('text', 'binary').message });
    bystander.sendText('still here');
    expect(await bystander.receiveText()).toBe('still here');
    await bystander.close();
  });

  it('a wrong kind is a typed error the handler can catch', async () => {
    const client = await server.client.connect('/bytes');
    client.sendText('text, not bytes');
    expect(await withTimeout(caught.promise, 5000, 'the handler to catch the wrong-kind error')).toBe('WebSocketMessageTypeError');
    client.sendBytes(Buffer.from([9]));
    expect([...(await client.receiveBytes())]).toEqual([9]);
    await client.close();
  });

  it('1007 on invalid JSON', async () => {
    const client = await server.client.connect('/json');
    client.sendText('{"ok":true}');
    expect(await client.receiveJson()).toEqual({ ok: true });
    client.sendText('{not json');
    const closed = await client.expectClose();
    expect(closed.code).toBe(1007);
    expect(closed.reason).toMatch(/^message is not valid JSON/);
    expect(new WebSocketJsonError('x').closeCode).toBe(1007);
  });

  it('1008 when the inbound queue overflows, with a log line', async () => {
    const client = await server.client.connect('/idle');
    for (let i = 0; i < 5; i++) client.sendText(`m${i}`);
    expect(await client.expectClose()).toEqual({ code: 1008, reason: 'message queue overflow' });
    expect(logger.entries.some((e) => e.level === 'warn' && /queue overflow/.test(e.message))).toBe(true);
  });

  it('1009 when a message is over maxPayloadLength', async () => {
    const client = await server.client.connect('/text');
    client.sendText('x'.repeat(1500));
    expect(await client.expectClose()).toEqual({ code: 1009, reason: 'message too big' });
  });

  it('1011 when the handler throws after accept, with the stack logged', async () => {
    const client = await server.client.connect('/crash');
    client.sendText('go');
    expect(await client.expectClose()).toEqual({ code: 1011, reason: 'internal error' });
    const entry = logger.entries.find((e) => e.level === 'error' && (e.fields.err as Error)?.message === 'handler bug');
    expect((entry?.fields.err as Error).stack).toContain('close-codes.spec');
  });

  it('a WsException escaping a loop-style handler sends its error frame, then closes with 1008 or its own code', async () => {
    const client = await server.client.connect('/refuses');
    client.sendText('plain');
    expect(await client.receiveJson()).toEqual({ type: 'error', error: 'not_allowed', message: 'you may not do that', data: { wish: 'plain' } });
    expect(await client.expectClose()).toEqual({ code: 1008, reason: 'you may not do that' });
    const second = await server.client.connect('/refuses');
    second.sendText('other');
    expect(await second.receiveJson()).toEqual({ type: 'error', error: 'not_allowed', message: 'nor that' });
    expect(await second.expectClose()).toEqual({ code: 4403, reason: 'nor that' });
  });

  it("a peer's close rejects a pending receive with WebSocketDisconnect carrying code and reason", async () => {
    const client = await server.client.connect('/peer-close');
    await client.close(4001, 'leaving now');
    const error = await withTimeout(disconnect.promise, 5000, 'the pending receive to reject');
    expect(error).toBeInstanceOf(WebSocketDisconnect);
    expect([error.code, error.reason]).toEqual([4001, 'leaving now']);
    const sendError = await withTimeout(sendAfterClose.promise, 5000, 'the send after close to settle');
    expect(sendError).toBeInstanceOf(WebSocketDisconnect);
    expect((sendError as WebSocketDisconnect).code).toBe(4001);
  });

  it('for await ends cleanly on a normal close, after the queued messages', async () => {
    const client = await server.client.connect('/iterate');
    client.sendText('a');
    client.sendBytes(Buffer.from('b'));
    await client.close(1000);
    const seen = await withTimeout(iterated.promise, 5000, 'the for-await loop to end');
    expect(seen).toEqual(['a', Buffer.from('b')]);
  });

  it('a receive timeout rejects with ReceiveTimeoutError and keeps the connection', async () => {
    const client = await server.client.connect('/timeout');
    expect(await withTimeout(timedOut.promise, 5000, 'the receive to time out')).toBeGreaterThanOrEqual(45);
    client.sendText('yes');
    expect(await client.receiveText()).toBe('still open: yes');
    await client.close();
  });
});
