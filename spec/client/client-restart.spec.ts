import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createClient, type ClientEventName, type ClientEvents, type ProAPIClient } from '../../client';
import { withTimeout } from '../helpers/async';
import { freePort, projectRoot } from '../helpers/process';
import type { CalculatorApi } from './client-fixture';

const WAIT_MS = 5000;
/** Booting a server under ts-node takes seconds, many more while the whole suite shares two cores. */
const BOOT_MS = 90_000;

/** The calculator app in its own process on `port`; resolves once it listens. */
function startServer(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'fixtures/calculator-server.ts')], {
    cwd: projectRoot,
    env: { ...process.env, PORT: String(port) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return withTimeout(
    new Promise<ChildProcess>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the server on port ${port} exited (${code}):\n${output}`)));
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes(`listening ${port}`)) resolve(child);
      });
    }),
    BOOT_MS,
    `the server on port ${port} to listen`,
  );
}

function exited(child: ChildProcess): Promise<void> {
  const gone = child.exitCode !== null || child.signalCode !== null;
  return gone ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

function nextEvent<E extends ClientEventName>(client: ProAPIClient<CalculatorApi>, name: E): Promise<ClientEvents[E]> {
  return new Promise((resolve) => {
    const off = client.onEvent(name, (event) => {
      off();
      resolve(event);
    });
  });
}

describe('proapi/client when its server restarts on the same port', () => {
  const servers: ChildProcess[] = [];
  let client: ProAPIClient<CalculatorApi> | undefined;

  afterEach(async () => {
    await client?.close();
    for (const server of servers.splice(0)) {
      server.kill('SIGKILL');
      await exited(server);
    }
  });

  it('reconnects to the new process; requests and sends queued meanwhile go out in order', async () => {
    const port = await freePort();
    const url = `ws://127.0.0.1:${port}/calc`;
    const first = await startServer(port);
    servers.push(first);
    client = createClient<CalculatorApi>(url, { reconnect: { initialDelayMs: 10, maxDelayMs: 100 } });
    await client.whenConnected();
    expect(await client.request('add', { a: 1, b: 2 })).toEqual({ sum: 3 });

    const disconnected = nextEvent(client, 'disconnected');
    first.kill('SIGTERM'); // app.close(): every client gets 1001
    expect(await withTimeout(disconnected, WAIT_MS, 'the disconnect')).toEqual({ code: 1001, reason: 'server shutting down', willReconnect: true });
    await exited(first);
    expect(client.status).toBe('reconnecting');

    // The request waits while the new process boots, so its timeout covers the boot.
    const queued = client.request('add', { a: 20, b: 22 }, { timeoutMs: 2 * BOOT_MS });
    queued.catch(() => undefined); // awaited below; this only keeps a failed boot from leaving it unhandled
    const shouts: unknown[] = [];
    const bothShouts = new Promise((resolve) => client!.on('shout', (push) => shouts.push(push) === 2 && resolve(shouts)));
    expect(client.send('shout', { text: 'one' })).toBe('queued');
    expect(client.send('shout', { text: 'two' })).toBe('queued');
    const reconnected = nextEvent(client, 'connected');
    servers.push(await startServer(port));

    expect(await withTimeout(reconnected, WAIT_MS, 'the reconnect')).toEqual({ url, reconnected: true });
    expect(await withTimeout(queued, WAIT_MS, 'the queued request')).toEqual({ sum: 42 });
    // Broadcast back by the server in the order it handled them, which is the order they were sent.
    expect(await withTimeout(bothShouts, WAIT_MS, 'the queued shouts, broadcast back')).toEqual([
      { type: 'shout', text: 'one' },
      { type: 'shout', text: 'two' },
    ]);
  }, 3 * BOOT_MS);
});
