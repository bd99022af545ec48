import WebSocket, { type ClientOptions } from 'ws';

export type Received = { data: string | Buffer; isBinary: boolean };

/** A `ws` client that queues what it receives, so specs can await the next message or the close. */
export class TestSocket {
  readonly messages: Received[] = [];
  private waiters: ((m: Received) => void)[] = [];
  closeCode: number | undefined;
  closeReason: string | undefined;
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer, isBinary) => {
      const message = { data: isBinary ? data : data.toString('utf8'), isBinary };
      const waiter = this.waiters.shift();
      if (waiter) waiter(message);
      else this.messages.push(message);
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => {
        this.closeCode = code;
        this.closeReason = reason.toString();
        resolve({ code, reason: this.closeReason });
      }),
    );
    socket.on('error', () => undefined);
  }

  next(timeoutMs = 5000): Promise<Received> {
    const queued = this.messages.shift();
    if (queued) return Promise.resolve(queued);
    return withTimeout(new Promise((resolve) => this.waiters.push(resolve)), timeoutMs, 'the next message');
  }

  async nextText(timeoutMs?: number): Promise<string> {
    const message = await this.next(timeoutMs);
    if (message.isBinary) throw new Error('expected a text message, got binary');
    return message.data as string;
  }

  async nextJson<T = unknown>(timeoutMs?: number): Promise<T> {
    return JSON.parse(await this.nextText(timeoutMs)) as T;
  }

  send(data: string | Buffer | Uint8Array, binary?: boolean): void {
    this.socket.send(data, { binary: binary ?? typeof data !== 'string' });
  }

  waitClose(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    return withTimeout(this.closed, timeoutMs, 'the socket to close');
  }

  close(code?: number, reason?: string): void {
    this.socket.close(code, reason);
  }
}

/** Opens a WebSocket and resolves once it is open; rejects with the HTTP status if the upgrade is refused. */
export function connect(url: string, options: ClientOptions & { protocols?: string[] } = {}): Promise<TestSocket> {
  const socket = new WebSocket(url, options.protocols ?? [], options);
  const client = new TestSocket(socket);
  return withTimeout(
    new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (req, res) => {
        const tcp = req.socket; // detached from `res` by the time it ends
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => {
          tcp?.destroy(); // ws leaves a refused request's keep-alive socket open otherwise
          reject(new UpgradeRefused(res.statusCode ?? 0, body));
        });
      });
      socket.once('error', reject);
    }),
    5000,
    `the upgrade of ${url}`,
  );
}

export class UpgradeRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`upgrade refused with HTTP ${status}: ${body}`);
  }
}

/** The HTTP status a refused upgrade answered with. */
export async function upgradeStatus(url: string, options: ClientOptions = {}): Promise<number> {
  try {
    const client = await connect(url, options);
    client.close();
    return 101;
  } catch (error) {
    if (error instanceof UpgradeRefused) return error.status;
    throw error;
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]);
}

/** A deferred promise, for awaiting an event from a server handler. */
export function deferred<T = void>(): { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
