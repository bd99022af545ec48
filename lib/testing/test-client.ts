import type { ProAPI } from '../app';
import { TestConnection, type ConnectOptions } from './test-connection';
import { TestClientError, UpgradeRefusedError } from './testing.errors';

/** The parts of an app the test client uses (structural, so any copy of `proapi` fits). */
export type TestableApp = Pick<ProAPI, 'port' | 'listening' | 'listen' | 'close'>;

/** A `connect()` whose upgrade has not finished yet: `close()` aborts it rather than leak its socket. */
interface Opening {
  readonly abort: AbortController;
  readonly done: Promise<void>;
}

export interface TestClientOptions {
  /** Default milliseconds for every wait (connect, receive, close). Default 3000. */
  timeout?: number;
  /** The loopback address to listen on and connect to. Default `127.0.0.1`. */
  host?: string;
}

const DEFAULT_TIMEOUT_MS = 3000;

/** Where a test client connects: its base URL, and the app to stop on `close()` if the client started it. */
interface Target {
  readonly baseUrl: string;
  readonly port: number;
  readonly ownedApp: TestableApp | null;
}

/**
 * Talks to an app over real WebSockets on loopback. Made by {@link createTestClient}.
 */
export class TestClient {
  private readonly connections = new Set<TestConnection>();
  private readonly openings = new Set<Opening>();
  private closing: Promise<void> | null = null;

  /** @internal */
  constructor(
    private readonly target: Target,
    private readonly timeout: number,
  ) {}

  /** Whether this client started the app (and so stops it in `close()`). */
  get ownsApp(): boolean {
    return this.target.ownedApp !== null;
  }

  /** The port the app listens on. */
  get port(): number {
    return this.target.port;
  }

  /** The WebSocket URL of `path` on the app, e.g. `ws://127.0.0.1:41234/chat/lobby`. */
  url(path: string): string {
    return `${this.target.baseUrl}${path}`;
  }

  /**
   * Opens a WebSocket to `path` (query string allowed) and resolves once it is open. Rejects with
   * `UpgradeRefusedError` (carrying `status` and `body`) if the server answers with an HTTP status.
   * @example
   * const conn = await client.connect('/chat/lobby?username=ann', { headers: { authorization: 'Bearer secret' } });
   */
  async connect(path: string, options: ConnectOptions = {}): Promise<TestConnection> {
    if (this.closing) throw new TestClientError('connect() was called after client.close(); create a new test client');
    if (!path.startsWith('/')) throw new TypeError(`connect() takes a path starting with "/", got ${JSON.stringify(path)}`);
    const abort = new AbortController();
    // Added to `connections` before the caller resumes, so close() closes every connection that opened.
    const opened = TestConnection.open(this.url(path), path, options, this.timeout, abort.signal).then((conn) => {
      this.connections.add(conn);
      // Forgotten once closed, so a client that opens thousands of connections holds only the open ones.
      void conn.whenClosed.then(() => this.connections.delete(conn));
      return conn;
    });
    const forget = (): void => void this.openings.delete(opening);
    const opening: Opening = { abort, done: opened.then(forget, forget) };
    this.openings.add(opening);
    return opened;
  }

  /**
   * The HTTP status the server answers an upgrade of `path` with: 101 if it accepts (the connection
   * is then closed at once), else the refusal's status. Use `connect()` and its `UpgradeRefusedError`
   * to see the refusal's body and headers too.
   * @example
   * expect(await client.upgradeStatus('/secure?token=wrong')).toBe(401);
   * expect(await client.upgradeStatus('/secure', { headers: { authorization: 'Bearer secret' } })).toBe(101);
   */
  async upgradeStatus(path: string, options: ConnectOptions = {}): Promise<number> {
    try {
      await (await this.connect(path, options)).close();
      return 101;
    } catch (error) {
      if (error instanceof UpgradeRefusedError) return error.status;
      throw error;
    }
  }

  /**
   * Closes every connection this client opened (code 1000), then the app if this client started it.
   * A `connect()` still waiting for its upgrade is abandoned: it rejects, and its socket is destroyed.
   */
  close(): Promise<void> {
    this.closing ??= this.closeAll();
    return this.closing;
  }

  private async closeAll(): Promise<void> {
    const openings = [...this.openings];
    for (const opening of openings) opening.abort.abort();
    await Promise.all(openings.map((opening) => opening.done));
    await Promise.all([...this.connections].map((conn) => conn.close()));
    this.connections.clear();
    await this.target.ownedApp?.close();
  }
}

/**
 * Starts `app` on an ephemeral loopback port (unless it is already listening) and returns a client
 * that talks to it over real WebSockets. `client.close()` closes the connections, and the app if
 * the client started it; an app that was closed cannot listen again, so build one per test.
 *
 * Given a URL instead (`ws://host:port`), the client talks to a server that is already running,
 * e.g. one started in another process, and never stops it.
 * @example
 * import { createTestClient } from 'proapi/testing';
 *
 * const client = await createTestClient(createApp());
 * const conn = await client.connect('/ws');
 * conn.sendText('hello');
 * expect(await conn.receiveText()).toBe('Echo: hello');
 * await client.close();
 *
 * const running = await createTestClient(`ws://127.0.0.1:${port}`);
 */
export async function createTestClient(app: TestableApp | string | URL, options: TestClientOptions = {}): Promise<TestClient> {
  const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
  if (typeof app === 'string' || app instanceof URL) return new TestClient(runningServer(app), timeout);
  const host = options.host ?? '127.0.0.1';
  const baseUrl = (port: number): string => `ws://${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (app.listening) return new TestClient({ baseUrl: baseUrl(app.port), port: app.port, ownedApp: null }, timeout);
  if (app.port !== 0) {
    throw new TestClientError(
      'createTestClient(): this app was closed, e.g. by an earlier test client\'s close(), and an app listens only once; ' +
        'build a new app per test (createApp())',
    );
  }
  const port = await app.listen(0, host);
  return new TestClient({ baseUrl: baseUrl(port), port, ownedApp: app }, timeout);
}

function runningServer(url: string | URL): Target {
  const parsed = new URL(url);
  if ((parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') || parsed.pathname !== '/' || parsed.search || parsed.hash) {
    throw new TypeError(`createTestClient() takes a server's base URL such as "ws://127.0.0.1:8080", got ${JSON.stringify(String(url))}`);
  }
  const port = parsed.port ? Number(parsed.port) : parsed.protocol === 'wss:' ? 443 : 80;
  return { baseUrl: `${parsed.protocol}//${parsed.host}`, port, ownedApp: null };
}
