import type { ProAPI } from '../app';
import { TestConnection, type ConnectOptions } from './test-connection';
import { TestClientError } from './testing.errors';

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

/**
 * Talks to an app over real WebSockets on loopback. Made by {@link createTestClient}.
 */
export class TestClient {
  private readonly connections = new Set<TestConnection>();
  private readonly openings = new Set<Opening>();
  private closing: Promise<void> | null = null;

  /** @internal */
  constructor(
    private readonly app: TestableApp,
    /** Whether this client started the app (and so stops it in `close()`). */
    readonly ownsApp: boolean,
    private readonly host: string,
    private readonly timeout: number,
  ) {}

  /** The port the app listens on. */
  get port(): number {
    return this.app.port;
  }

  /** The WebSocket URL of `path` on the app, e.g. `ws://127.0.0.1:41234/chat/lobby`. */
  url(path: string): string {
    return `ws://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.app.port}${path}`;
  }

  /**
   * Opens a WebSocket to `path` (query string allowed) and resolves once it is open. Rejects with
   * `UpgradeRefusedError` (carrying `status` and `body`) if the server answers with an HTTP status.
   * @example
   * const conn = await client.connect('/chat/lobby?username=ann', { headers: { origin: 'https://example.com' } });
   */
  async connect(path: string, options: ConnectOptions = {}): Promise<TestConnection> {
    if (this.closing) throw new TestClientError('connect() was called after client.close(); create a new test client');
    if (!path.startsWith('/')) throw new TypeError(`connect() takes a path starting with "/", got ${JSON.stringify(path)}`);
    const abort = new AbortController();
    // Added to `connections` before the caller resumes, so close() closes every connection that opened.
    const opened = TestConnection.open(this.url(path), path, options, this.timeout, abort.signal).then((conn) => {
      this.connections.add(conn);
      return conn;
    });
    const forget = (): void => void this.openings.delete(opening);
    const opening: Opening = { abort, done: opened.then(forget, forget) };
    this.openings.add(opening);
    return opened;
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
    if (this.ownsApp) await this.app.close();
  }
}

/**
 * Starts `app` on an ephemeral loopback port (unless it is already listening) and returns a client
 * that talks to it over real WebSockets. `client.close()` closes the connections, and the app if
 * the client started it; an app that was closed cannot listen again, so build one per test.
 * @example
 * import { createTestClient } from 'proapi/testing';
 *
 * const client = await createTestClient(createApp());
 * const conn = await client.connect('/ws');
 * conn.sendText('hello');
 * expect(await conn.receiveText()).toBe('Echo: hello');
 * await client.close();
 */
export async function createTestClient(app: TestableApp, options: TestClientOptions = {}): Promise<TestClient> {
  const host = options.host ?? '127.0.0.1';
  const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
  if (app.listening) return new TestClient(app, false, host, timeout);
  if (app.port !== 0) {
    throw new TestClientError(
      'createTestClient(): this app was closed, e.g. by an earlier test client\'s close(), and an app listens only once; ' +
        'build a new app per test (createApp())',
    );
  }
  await app.listen(0, host);
  return new TestClient(app, true, host, timeout);
}
