import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly packages: Record<string, string>;
  readonly git: string;
  /** 1-minute load average when the run started and ended: how busy the shared machine was. */
  readonly loadAverage: { start: number; end?: number };
}

const PACKAGES = ['uWebSockets.js', 'ws', 'socket.io', 'class-validator', 'class-transformer', 'typescript'];

export function describeMachine(repoRoot: string): MachineInfo {
  const packages: Record<string, string> = {};
  const own = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  packages[own.name] = own.version;
  for (const name of PACKAGES) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as {
        name: string;
        version: string;
      };
      packages[name] = pkg.name === name ? pkg.version : `${pkg.name}@${pkg.version}`;
    } catch {
      packages[name] = 'not installed';
    }
  }
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    packages,
    git: gitDescription(repoRoot),
    loadAverage: { start: os.loadavg()[0] },
  };
}

function gitDescription(repoRoot: string): string {
  try {
    const run = (...args: string[]): string => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();
    const dirty = run('status', '--porcelain', '--untracked-files=no') ? ' (uncommitted changes)' : '';
    return `${run('rev-parse', '--abbrev-ref', 'HEAD')} @ ${run('rev-parse', '--short', 'HEAD')}${dirty}`;
  } catch {
    return 'unknown';
  }
}
