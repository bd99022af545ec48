/**
 * For the hardening measurement scripts: runs a sample (samples/<name>.ts) in its own process from
 * any checkout, so one script measures the old code and the new alike:
 *   --root <dir>   the checkout to run the server from (default: this one), e.g. a worktree at 007c6ac
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { cpuTime, rssBytes } from '../harness/proc-stat';

export { cpuTime, rssBytes };

export interface SampleProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly port: number;
  /** What the process wrote so far. */
  output(): string;
  /** Resolves with how it exited (code or signal). */
  readonly exited: Promise<string>;
  stop(): Promise<string>;
}

/** The checkout given with `--root`, else this one. */
export function rootFromArgs(argv: readonly string[] = process.argv): string {
  const at = argv.indexOf('--root');
  return at >= 0 ? path.resolve(argv[at + 1]) : path.join(__dirname, '..', '..');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * Starts `samples/<name>.ts` of `root` as `samples/run.ts` does, with node itself as the process
 * (no npm in between, so signals and /proc figures are the server's). `fileLimit` runs it under
 * `ulimit -n`. Resolves once it prints `listening on`.
 */
export async function startSample(
  root: string,
  name: string,
  options: { fileLimit?: number; env?: Record<string, string>; port?: number } = {},
): Promise<SampleProcess> {
  const port = options.port ?? (await freePort());
  const command = `${options.fileLimit ? `ulimit -n ${options.fileLimit} && ` : ''}exec "$0" -r ts-node/register/transpile-only samples/run.ts ${name}`;
  const child = spawn('/bin/sh', ['-c', command, process.execPath], {
    cwd: root,
    env: { ...process.env, PORT: String(port), PROAPI_LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 60 s:\n${output}`)), 60_000);
    const check = (): void => {
      if (!output.includes('listening on')) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout!.on('data', check);
    void exited.then((how) => reject(new Error(`${name} ended (${how}) before listening:\n${output}`)));
  });
  return {
    child,
    pid: child.pid!,
    port,
    output: () => output,
    exited,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
  };
}

export const MiB = 1024 * 1024;

export function mib(bytes: number): string {
  return `${(bytes / MiB).toFixed(0)} MiB`;
}
