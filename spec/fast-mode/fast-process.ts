import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { AppStats } from '../../index';
import { withTimeout } from '../helpers/async';
import { httpGet } from '../helpers/http';
import { projectRoot } from '../helpers/process';

/** Booting a fast-mode app compiles it with ts-node in every thread: slow on a busy two-core machine. */
export const BOOT_TIMEOUT_MS = 120_000;

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A program running in its own process group, read through its output. */
export class RunningProcess {
  private text = '';
  private readonly watchers = new Set<() => void>();
  readonly exited: Promise<Exit>;

  constructor(readonly child: ChildProcess) {
    const take = (chunk: Buffer): void => {
      this.text += chunk.toString();
      for (const watcher of this.watchers) watcher();
    };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get output(): string {
    return this.text;
  }

  /** Resolves with the first match of `pattern` in the output (from the start), waiting for it if need be. */
  waitFor(pattern: RegExp, what: string, timeoutMs = 30_000): Promise<RegExpExecArray> {
    let watcher: () => void = () => undefined;
    const found = new Promise<RegExpExecArray>((resolve, reject) => {
      watcher = (): void => {
        const match = pattern.exec(this.text);
        if (match) resolve(match);
      };
      this.watchers.add(watcher);
      void this.exited.then(({ code, signal }) => reject(new Error(`the process exited (${signal ?? code}) before ${what}:\n${this.text}`)));
      watcher();
    });
    return withTimeout(found, timeoutMs, `${what}; output so far:\n${this.text}`).finally(() => this.watchers.delete(watcher));
  }

  /** SIGTERM to the whole group; resolves when the process has exited. */
  async stop(): Promise<Exit> {
    if (this.child.exitCode === null && this.child.signalCode === null) process.kill(-this.child.pid!, 'SIGTERM');
    return this.exited;
  }
}

/** A fast-mode app that printed its `listening on` line. */
export class FastApp extends RunningProcess {
  port = 0;

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  async stats(): Promise<AppStats> {
    return JSON.parse((await httpGet(`http://127.0.0.1:${this.port}/stats`)).body) as AppStats;
  }

  async listening(): Promise<this> {
    const match = await this.waitFor(/listening on ws:\/\/127\.0\.0\.1:(\d+)/, 'the "listening on" line', BOOT_TIMEOUT_MS);
    this.port = Number(match[1]);
    return this;
  }
}

/** Runs `command args` from the project root in its own process group, with `env` added. */
export function launch(command: string, args: readonly string[], env: Record<string, string> = {}): FastApp {
  const child = spawn(command, args, {
    cwd: projectRoot,
    env: { ...process.env, PROAPI_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  return new FastApp(child);
}

const TS_NODE = path.join(projectRoot, 'node_modules', '.bin', 'ts-node');
const FIXTURE = path.join(__dirname, 'fixtures', 'fast-app.ts');

/** Starts spec/fast-mode/fixtures/fast-app.ts as a user starts a TypeScript app: `ts-node fast-app.ts`. */
export function launchFixture(env: Record<string, string> = {}): FastApp {
  return launch(TS_NODE, ['--transpile-only', FIXTURE], env);
}

export function startFixture(env: Record<string, string> = {}): Promise<FastApp> {
  return launchFixture(env).listening();
}
