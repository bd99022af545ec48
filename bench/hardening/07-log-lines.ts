/**
 * Defect 7: what LoggingMiddleware writes for hostile upgrade attempts. A route with
 * LoggingMiddleware and an AuthMiddleware that reads a `ticket` query parameter refuses every
 * attempt; each attempt's `websocket connect` line is captured as the JSON a logger would write.
 * Reported per attempt: the line's size in bytes, and whether a secret appears in it.
 *
 *   npx ts-node --transpile-only bench/hardening/07-log-lines.ts
 */
import WebSocket from 'ws';
import { ProAPI, type Logger } from '../../index';
import { AuthMiddleware, LoggingMiddleware } from '../../middleware';

const SECRET = 'sekrit-ticket-value';

interface Attempt {
  name: string;
  path: string;
  headers?: Record<string, string>;
  protocols?: string[];
}

const ATTEMPTS: Attempt[] = [
  { name: 'custom auth query parameter (ticket)', path: `/secure?ticket=${SECRET}` },
  { name: 'token listed before bearer', path: '/secure', protocols: [SECRET, 'bearer'] },
  { name: 'token in an unknown subprotocol scheme', path: '/secure', protocols: ['chat.v1', `access_token.${SECRET}`] },
  {
    name: '59 KiB of headers (20 headers of 3,000 characters)',
    path: '/secure',
    headers: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`x-filler-${i}`, 'f'.repeat(3000)])),
  },
  { name: 'X-Request-Id of 50,000 characters', path: '/secure', headers: { 'x-request-id': 'r'.repeat(50_000) } },
  { name: 'query of 60,000 characters', path: `/secure?${Array.from({ length: 600 }, (_, i) => `q${i}=${'v'.repeat(95)}`).join('&')}` },
  {
    name: 'all of it at once, with 30 subprotocols',
    path: `/secure?${Array.from({ length: 300 }, (_, i) => `q${i}=${'v'.repeat(95)}`).join('&')}`,
    headers: {
      ...Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`x-filler-${i}`, 'f'.repeat(3000)])),
      'x-request-id': 'r'.repeat(20_000),
    },
    protocols: Array.from({ length: 30 }, (_, i) => `p${i}`),
  },
];

function capturingLogger(lines: string[]): Logger {
  const write = (fields: object | string, message?: string): void => {
    lines.push(JSON.stringify(typeof fields === 'string' ? { msg: fields } : { ...fields, msg: message }));
  };
  return { debug: () => undefined, info: write, warn: write, error: write };
}

function attempt(port: number, { path, headers, protocols }: Attempt): Promise<void> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`, protocols ?? [], { headers, maxPayload: 1024 });
    socket.once('unexpected-response', (request) => {
      request.destroy();
      resolve();
    });
    socket.once('error', () => resolve());
    socket.once('open', () => {
      socket.terminate();
      resolve();
    });
  });
}

async function main(): Promise<void> {
  const lines: string[] = [];
  const logger = capturingLogger(lines);
  const app = new ProAPI({ logger: capturingLogger([]) });
  app.use(new LoggingMiddleware({ logger }));
  const auth = new AuthMiddleware(() => null, { queryParam: 'ticket' });
  app.websocket('/secure', async (ws) => ws.accept(), { middlewares: [auth] });
  const port = await app.listen(0, '127.0.0.1');
  try {
    for (const spec of ATTEMPTS) {
      lines.length = 0;
      await attempt(port, spec);
      // The connect line is written before the chain refuses; the disconnect line follows it.
      const connect = lines.find((line) => line.includes('"event":"connect"'));
      console.log(
        JSON.stringify({
          attempt: spec.name,
          connectLineBytes: connect === undefined ? null : Buffer.byteLength(connect),
          allLinesBytes: lines.reduce((sum, line) => sum + Buffer.byteLength(line), 0),
          secretLogged: lines.some((line) => line.includes(SECRET)),
        }),
      );
    }
  } finally {
    await app.close();
  }
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
