import { ProAPI, silentLogger } from '../../index';
import { startApp, type StartedApp } from '../helpers/app';
import { deferred, withTimeout } from '../helpers/async';
import { captureLogger } from '../helpers/capture-logger';
import { clientFrame, Opcode, openRawWebSocket } from '../helpers/raw-http';

const KiB = 1024;
const MAX_PAYLOAD = 1024 * KiB; // the default maxPayloadLength

/** An unfinished text message: `fragments` frames of `size` bytes, none of them final. */
async function sendUnfinished(port: number, fragments: number, size: number): Promise<Awaited<ReturnType<typeof openRawWebSocket>>> {
  const raw = await openRawWebSocket(port, '/ws');
  for (let i = 0; i < fragments; i++) {
    await raw.write(clientFrame(i === 0 ? Opcode.TEXT : Opcode.CONTINUATION, Buffer.alloc(size, 0x61), false)).catch(() => undefined);
  }
  return raw;
}

/**
 * Defect 3: uWS buffers an unfinished fragmented message up to the maxPayloadLength ProAPI gives
 * it, and automatic pings keep such a connection alive past idleTimeoutSeconds. ProAPI gave uWS
 * twice maxPayloadLength (2 MiB per connection, for ever); it now gives it maxPayloadLength plus
 * 64 KiB, the least that still lets ProAPI answer messages just over the limit with 1009.
 */
describe('hardening 3: what an unfinished message can hold is bounded', () => {
  const logger = captureLogger();
  let server: StartedApp;
  const received: number[] = [];
  const twoReceived = deferred();

  beforeAll(async () => {
    server = await startApp({ logger }, (app) =>
      app.websocket('/ws', async (ws) => {
        await ws.accept();
        for await (const message of ws) if (received.push((message as string).length) === 2) twoReceived.resolve();
      }),
    );
  });
  afterAll(() => server.app.close());

  it('an unfinished message past maxPayloadLength + 64 KiB is cut at once, and logged', async () => {
    // 5 x 256 KiB = 1.25 MiB, never finished: under the old bound of 2 MiB it was kept.
    const raw = await sendUnfinished(server.port, 5, 256 * KiB);
    await withTimeout(raw.ended, 5000, 'the server to cut the unfinished message');
    const entry = await logger.waitFor((e) => /protocol error/.test(e.message), 'the log line');
    expect(entry.fields).toMatchObject({ route: '/ws', reason: 'Received too big message' });
    // uWS drops the TCP connection for this one, without a close frame.
    expect(raw.frames.filter((f) => f.opcode === Opcode.CLOSE)).toEqual([]);
  });

  it('a message a little over maxPayloadLength still gets a close frame with 1009', async () => {
    const raw = await sendUnfinished(server.port, 1, MAX_PAYLOAD + 32 * KiB);
    await raw.write(clientFrame(Opcode.CONTINUATION, Buffer.alloc(16 * KiB, 0x61), true));
    await withTimeout(raw.ended, 5000, 'the server to close');
    const close = raw.frames.find((f) => f.opcode === Opcode.CLOSE);
    expect(close?.payload.readUInt16BE(0)).toBe(1009);
  });

  it('a fragmented message of exactly maxPayloadLength is delivered', async () => {
    const raw = await sendUnfinished(server.port, 3, MAX_PAYLOAD / 4);
    await raw.write(clientFrame(Opcode.CONTINUATION, Buffer.alloc(MAX_PAYLOAD / 4, 0x61), true));
    await raw.write(clientFrame(Opcode.TEXT, Buffer.from('done'), true));
    await withTimeout(twoReceived.promise, 5000, 'both messages');
    expect(received).toEqual([MAX_PAYLOAD, 4]);
    raw.socket.destroy();
  });

  it('maxLifetimeMinutes, the one time bound uWS puts on a parked message, is checked at boot', () => {
    expect(() => new ProAPI({ logger: silentLogger, maxLifetimeMinutes: 240 })).toThrow(/maxLifetimeMinutes must be below 240/);
    expect(new ProAPI({ logger: silentLogger, maxLifetimeMinutes: 60 })).toBeInstanceOf(ProAPI);
  });
});
