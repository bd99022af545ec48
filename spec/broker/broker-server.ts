import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort } from '../helpers/process';

/**
 * A Redis or NATS server of the spec's own, on a free loopback port, that the spec stops and
 * restarts by pid (never the shared 6379/4222). Redis keeps nothing on disk, so a restart loses
 * every key, as a real crash without persistence would.
 */
export class BrokerServer {
  private child: ChildProcess | null = null;

  private constructor(
    readonly kind: 'redis' | 'nats',
    readonly port: number,
  ) {}

  static async start(kind: 'redis' | 'nats'): Promise<BrokerServer> {
    const server = new BrokerServer(kind, await freePort());
    await server.restart();
    return server;
  }

  /** A port where nothing listens (for "unreachable at boot"); start() a server there later with {@link startOn}. */
  static async unstarted(kind: 'redis' | 'nats'): Promise<BrokerServer> {
    return new BrokerServer(kind, await freePort());
  }

  get url(): string {
    return this.kind === 'redis' ? `redis://127.0.0.1:${this.port}` : `nats://127.0.0.1:${this.port}`;
  }

  /** Starts the server (again) on its port and resolves once it accepts connections. */
  async restart(): Promise<void> {
    const [command, args] =
      this.kind === 'redis'
        ? ['redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']]
        : [existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server', ['-a', '127.0.0.1', '-p', String(this.port)]];
    const child = spawn(command, args as string[], { stdio: 'ignore' });
    this.child = child;
    const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`${command} exited (${code}) before accepting connections`))));
    exited.catch(() => undefined);
    const deadline = Date.now() + 10_000;
    while (!(await accepts(this.port))) {
      if (child.exitCode !== null) await exited;
      if (Date.now() > deadline) throw new Error(`${command} did not accept connections on port ${this.port} within 10 s`);
      await delay(50);
    }
  }

  /** Freezes the server (SIGSTOP): connections stay open, nothing is answered. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  /** Kills the server (SIGKILL: no goodbye to its clients) and waits until it is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child === null || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
      child.kill('SIGCONT'); // a paused server dies only once it runs again
    });
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
