import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { ServerSpec } from '../config';

/** A bench server running in its own process, so its CPU and memory can be read from /proc. */
export class ServerProcess {
  private exitInfo: string | null = null;
  private stderr = '';

  private constructor(
    readonly spec: ServerSpec,
    private readonly child: ChildProcess,
    readonly port: number,
    private readonly profiling: boolean,
  ) {
    child.on('exit', (code, signal) => (this.exitInfo = `exited with ${signal ?? `code ${code}`}`));
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-4000)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Why the process is gone, or null while it runs. */
  get exited(): string | null {
    return this.exitInfo && `${this.exitInfo}${this.stderr ? `; stderr: ${this.stderr.trim()}` : ''}`;
  }

  get baseUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  get pids(): number[] {
    return [this.pid];
  }

  get baseUrls(): string[] {
    return [this.baseUrl];
  }

  /**
   * Starts `node <compiled server>` on an ephemeral loopback port; resolves once it prints its URL.
   * With `cpuProfileDir`, the server runs under `--cpu-prof` and writes its profile there on stop().
   */
  static start(spec: ServerSpec, buildRoot: string, cpuProfileDir?: string, timeoutMs = 15_000, env: Record<string, string> = {}): Promise<ServerProcess> {
    const script = path.join(spec.buildRoot ?? buildRoot, 'bench', 'servers', `${spec.script}.server.js`);
    const profile = cpuProfileDir
      ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`, `--cpu-prof-name=${spec.id}-${Date.now()}.cpuprofile`]
      : [];
    const preload = cpuProfileDir ? ['-r', path.join(buildRoot, 'bench', 'harness', 'exit-on-signal.js')] : [];
    const child = spawn(process.execPath, [...profile, ...preload, script], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', PROAPI_LOG_LEVEL: 'warn', NODE_ENV: 'production', ...spec.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new Promise((resolve, reject) => {
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => fail(`did not print "listening on ws://..." within ${timeoutMs} ms`), timeoutMs);
      const fail = (why: string): void => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`bench server ${spec.id} ${why}${stderr ? `\n${stderr.trim()}` : ''}`));
      };
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.once('exit', (code, signal) => fail(`exited before listening (${signal ?? `code ${code}`})`));
      child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /listening on ws:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
        if (!match) return;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        // Keep draining stdout so a chatty server never blocks on a full pipe.
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume();
        resolve(new ServerProcess(spec, child, Number(match[1]), cpuProfileDir !== undefined));
      });
    });
  }

  /** Kills the process (SIGINT first when profiling, so the profile gets written) and waits for it to be gone. */
  async stop(): Promise<void> {
    if (this.exitInfo) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (this.profiling) {
      this.child.kill('SIGINT');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
      return;
    }
    this.child.kill('SIGKILL');
    await gone;
  }
}
