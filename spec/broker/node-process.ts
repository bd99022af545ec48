import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { ClusterBrokerStats } from '../../redis';
import type { AppStats } from '../../index';
import { httpGet } from '../helpers/http';
import { projectRoot } from '../helpers/process';

export interface NodeStats {
  readonly broker: ClusterBrokerStats;
  readonly app: AppStats;
}

/** A cluster node (cluster-node.ts) in its own process. */
export class NodeProcess {
  private output = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    initialOutput: string,
  ) {
    this.output = initialOutput;
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  static start(broker: 'redis' | 'nats', url: string, prefix: string): Promise<NodeProcess> {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'cluster-node.ts')], {
      cwd: projectRoot,
      env: { ...process.env, BROKER: broker, BROKER_URL: url, BROKER_PREFIX: prefix, TS_NODE_TRANSPILE_ONLY: 'true' },
      // stdin stays open while this process lives: the node exits when it closes (see cluster-node.ts).
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return new Promise((resolve, reject) => {
      let output = '';
      // Booting under ts-node takes seconds, many more while the whole suite shares two cores.
      const timer = setTimeout(() => fail('did not print "listening <port>" within 90 s'), 90_000);
      const fail = (why: string): void => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`cluster node (${broker}) ${why}:\n${output}`));
      };
      child.once('exit', (code, signal) => fail(`exited (${signal ?? code})`));
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        const match = /listening (\d+)/.exec(output);
        if (!match) return;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.stdout!.off('data', onData);
        child.stderr!.removeAllListeners('data');
        resolve(new NodeProcess(child, Number(match[1]), output));
      };
      child.stdout!.on('data', onData);
    });
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Everything the node printed: its log lines (JSON) and any FATAL line. */
  get log(): string {
    return this.output;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async stats(): Promise<NodeStats> {
    return JSON.parse((await httpGet(`http://127.0.0.1:${this.port}/broker/stats`)).body) as NodeStats;
  }

  /** SIGTERM closes the app (the node leaves the cluster cleanly); SIGKILL is a crash. */
  kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!this.alive) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill(signal);
    });
  }
}

/** Starts `count` nodes in parallel. */
export function startNodes(count: number, broker: 'redis' | 'nats', url: string, prefix: string): Promise<NodeProcess[]> {
  return Promise.all(Array.from({ length: count }, () => NodeProcess.start(broker, url, prefix)));
}
