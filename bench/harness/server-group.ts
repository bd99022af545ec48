import type { ServerSpec } from '../config';
import { ServerProcess } from './server-process';

/** What a measurement needs of a running server: one process, or the nodes of a scale-out cluster. */
export interface RunningServer {
  readonly spec: ServerSpec;
  /** Every process whose CPU counts. */
  readonly pids: number[];
  /** Where clients connect: one URL per node. */
  readonly baseUrls: string[];
  /** Why a process is gone, or null while all run. */
  readonly exited: string | null;
  stop(): Promise<void>;
}

let clusters = 0;

/** The `spec.nodes` processes of a scale-out server, sharing one broker prefix of their own. */
export class ServerGroup implements RunningServer {
  private constructor(
    readonly spec: ServerSpec,
    private readonly nodes: ServerProcess[],
  ) {}

  static async start(spec: ServerSpec, buildRoot: string, cpuProfileDir?: string): Promise<RunningServer> {
    if ((spec.nodes ?? 1) === 1) return ServerProcess.start(spec, buildRoot, cpuProfileDir);
    const env = { BROKER_PREFIX: `bench-${process.pid}-${++clusters}` };
    const starting = Array.from({ length: spec.nodes! }, () => ServerProcess.start(spec, buildRoot, cpuProfileDir, 15_000, env));
    const settled = await Promise.allSettled(starting);
    const nodes = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await Promise.all(nodes.map((n) => n.stop()));
      throw failed.reason;
    }
    return new ServerGroup(spec, nodes);
  }

  get pids(): number[] {
    return this.nodes.map((n) => n.pid);
  }

  get baseUrls(): string[] {
    return this.nodes.map((n) => n.baseUrl);
  }

  get exited(): string | null {
    return this.nodes.map((n) => n.exited).find((e) => e !== null) ?? null;
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
  }
}
