/**
 * Defect 7: LoggingMiddleware leaked credentials and wrote unbounded lines. A custom
 * AuthMiddleware `queryParam` (`ticket`) and a token offered before `bearer` were logged in
 * clear; every header of every refused attempt was logged in full (~59 KiB each), and an
 * `X-Request-Id` whatever its length. Now AuthMiddleware registers the names it reads tokens
 * from, every offered subprotocol but known protocol names is redacted, and each part of the
 * connect line is bounded. bench/hardening/07-log-lines.ts measures the line sizes.
 */
import { ProAPI, type WebSocketConnection } from '../../index';
import { AuthMiddleware, LoggingMiddleware } from '../../middleware';
import { createTestClient, UpgradeRefusedError, type TestClient } from '../../testing';
import { captureLogger, type CapturedLogger, type LogEntry } from '../helpers/capture-logger';

const SECRET = 'sekrit-ticket-value';
const MAX_CONNECT_LINE_BYTES = 10 * 1024;

async function accept(ws: WebSocketConnection): Promise<void> {
  await ws.accept();
  for await (const message of ws) void message;
}

describe('defect 7: LoggingMiddleware neither leaks credentials nor floods', () => {
  let logs: CapturedLogger;
  let client: TestClient;
  beforeEach(async () => {
    logs = captureLogger();
    // Above the 16 KiB default (431 before any middleware runs): the lines stay bounded whatever the limit.
    const app = new ProAPI({ logger: captureLogger(), maxHeaderBytes: 256 * 1024 });
    app.use(new LoggingMiddleware({ logger: logs, safeSubprotocols: ['v1.chat'] }));
    const ticketAuth = new AuthMiddleware((_ws, token) => (token === 'good' ? { name: 'ann' } : null), { queryParam: 'ticket' });
    app.websocket('/ticket', accept, { middlewares: [ticketAuth] });
    app.websocket('/bearer', accept, {
      middlewares: [new AuthMiddleware((_ws, token) => (token === 'good' ? { name: 'ann' } : null), { tokenSources: ['subprotocol'] })],
    });
    app.websocket('/open', accept);
    client = await createTestClient(app);
  });
  afterEach(() => client.close());

  const connectLines = (): LogEntry[] => logs.entries.filter((entry) => entry.fields.event === 'connect');

  async function refused(path: string, options: { headers?: Record<string, string>; protocols?: string[] } = {}): Promise<number> {
    const error = await client.connect(path, options).then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    expect(error).toBeInstanceOf(UpgradeRefusedError);
    return (error as UpgradeRefusedError).status;
  }

  it('redacts a custom AuthMiddleware queryParam, on every route, even with redactDefaults: false', async () => {
    expect(await refused(`/ticket?ticket=${SECRET}&room=lobby`)).toBe(401);
    const conn = await client.connect(`/open?ticket=${SECRET}`);
    await conn.close();
    await logs.waitFor((entry) => entry.fields.event === 'disconnect' && entry.fields.path === '/open', 'the /open disconnect line');
    const [ticketLine, openLine] = connectLines();
    expect(ticketLine.fields.query).toEqual({ ticket: '[REDACTED]', room: 'lobby' });
    expect(openLine.fields.query).toEqual({ ticket: '[REDACTED]' });
    expect(JSON.stringify(logs.entries)).not.toContain(SECRET);

    // A LoggingMiddleware without the default fragments still knows the registered names.
    const strict = new LoggingMiddleware({ logger: logs, redactDefaults: false });
    const app = new ProAPI({ logger: captureLogger() });
    app.websocket('/strict', accept, { middlewares: [strict] });
    const other = await createTestClient(app);
    try {
      await (await other.connect(`/strict?ticket=${SECRET}&token=plain`, { headers: { authorization: `Bearer ${SECRET}` } })).close();
      const line = await logs.waitFor((entry) => entry.fields.event === 'connect' && entry.fields.path === '/strict', 'the /strict line');
      // `token` is no credential here: no AuthMiddleware reads it, and the default fragments are off.
      expect(line.fields.query).toEqual({ ticket: '[REDACTED]', token: 'plain' });
      expect(line.fields.headers).toMatchObject({ authorization: '[REDACTED]' });
      expect(JSON.stringify(logs.entries)).not.toContain(SECRET);
    } finally {
      await other.close();
    }
  });

  it('redacts a token offered before bearer, and every subprotocol not known to be safe', async () => {
    expect(await refused('/bearer', { protocols: [SECRET, 'bearer'] })).toBe(401);
    const conn = await client.connect('/bearer', { protocols: ['v1.chat', 'graphql-ws', 'bearer', 'good', `access_token.${SECRET}`] });
    expect(conn.protocol).toBe('bearer');
    await conn.close();
    await logs.waitFor((entry) => entry.fields.event === 'disconnect' && entry.fields.subprotocol === 'bearer', 'the disconnect line');
    const [before, after] = connectLines();
    expect(before.fields.subprotocols).toEqual(['[REDACTED]', 'bearer']);
    expect(before.fields.headers).toMatchObject({ 'sec-websocket-protocol': '[REDACTED], bearer' });
    expect(after.fields.subprotocols).toEqual(['v1.chat', 'graphql-ws', 'bearer', '[REDACTED]', '[REDACTED]']);
    expect(JSON.stringify(logs.entries)).not.toContain(SECRET);
    expect(JSON.stringify(logs.entries)).not.toContain('"good"');
  });

  it('bounds the connect line of a refused attempt with 60 KB of headers, query and subprotocols', async () => {
    const headers = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`x-filler-${i}`, 'f'.repeat(3000)]));
    const query = Array.from({ length: 300 }, (_, i) => `q${i}=${'v'.repeat(95)}`).join('&');
    const protocols = Array.from({ length: 30 }, (_, i) => `p${i}`);
    expect(await refused(`/ticket?${query}`, { headers, protocols })).toBe(401);
    const [line] = connectLines();
    expect(Buffer.byteLength(JSON.stringify(line.fields))).toBeLessThanOrEqual(MAX_CONNECT_LINE_BYTES);
    const shownHeaders = line.fields.headers as Record<string, string>;
    expect(shownHeaders['x-filler-0']).toBe(`${'f'.repeat(256)}…`);
    expect(line.fields.headersOmitted).toBeGreaterThan(0);
    expect(Object.keys(shownHeaders).length + (line.fields.headersOmitted as number)).toBeGreaterThanOrEqual(21);
    expect(line.fields.queryOmitted).toBeGreaterThan(0);
    expect(line.fields.subprotocols).toHaveLength(16);
    expect(line.fields.subprotocolsOmitted).toBe(14);
  });

  it('replaces an X-Request-Id that is too long or not plain ASCII, in every line', async () => {
    const longId = 'r'.repeat(50_000);
    expect(await refused('/ticket', { headers: { 'x-request-id': longId } })).toBe(401);
    const conn = await client.connect('/open', { headers: { 'x-request-id': 'req 42' } });
    await conn.close();
    await logs.waitFor((entry) => entry.fields.event === 'disconnect' && entry.fields.path === '/open', 'the /open disconnect line');
    const [long, spaced] = connectLines();
    expect(long.fields.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(long.fields.clientRequestId).toBe(`${'r'.repeat(64)}…`);
    expect(spaced.fields).toMatchObject({ requestId: expect.stringMatching(/^[0-9a-f-]{36}$/), clientRequestId: 'req 42' });
    for (const entry of logs.entries) expect(JSON.stringify(entry.fields)).not.toContain('r'.repeat(257));
    const disconnect = logs.entries.find((entry) => entry.fields.event === 'disconnect' && entry.fields.path === '/open');
    expect(disconnect?.fields.requestId).toBe(spaced.fields.requestId);

    // An ordinary id is kept as given.
    await (await client.connect('/open', { headers: { 'x-request-id': 'b1946ac9-2f4e-4a8c-9d3e-0a1b2c3d4e5f' } })).close();
    await logs.waitFor((entry) => entry.fields.requestId === 'b1946ac9-2f4e-4a8c-9d3e-0a1b2c3d4e5f', 'the line with the given id');
  });
});
