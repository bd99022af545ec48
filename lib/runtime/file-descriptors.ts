import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { isMainThread, workerData } from 'node:worker_threads';
import { WORKER_DATA_KEY } from '../cluster/control';

/** Used where the process has no per-process descriptor limit (Windows) or it cannot be read. */
const UNKNOWN_LIMIT_CONNECTIONS = 100_000;

/**
 * The soft limit on open file descriptors (RLIMIT_NOFILE) of this process, or null where there is
 * none or it cannot be read. Node has no getrlimit(): Linux shows it in /proc/self/limits; other
 * POSIX systems answer `ulimit -n` in a shell, which inherits the limit (Node raises its soft
 * limit to the hard one at startup, so a child sees the raised value).
 */
export function openFileLimit(): number | null {
  if (process.platform === 'win32') return null;
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    if (soft !== undefined) return soft === 'unlimited' ? null : Number(soft);
  } catch {
    // No /proc (macOS, BSD): ask a shell below.
  }
  try {
    const answer = execFileSync('/bin/sh', ['-c', 'ulimit -n'], { encoding: 'utf8', timeout: 2000 }).trim();
    return answer === 'unlimited' ? null : Number(answer) || null;
  } catch {
    return null;
  }
}

/**
 * The `maxConnections` that fits under a descriptor limit: each WebSocket holds one descriptor,
 * and the process needs more for itself (the event loop, its listen socket, brokers, logs, HTTP
 * requests, sockets still closing), so a tenth of the limit is kept back: at least 64, at most
 * 1024, and never more than half. At the limit uWS 20.30 would retry accept() in a busy loop
 * instead of answering; below it, one more client gets a prompt HTTP 503.
 * @example
 * connectionsForFileLimit(1024) // 922
 * connectionsForFileLimit(256)  // 192
 */
export function connectionsForFileLimit(limit: number | null): number {
  if (limit === null || !Number.isFinite(limit) || limit <= 0) return UNKNOWN_LIMIT_CONNECTIONS;
  const reserve = Math.min(1024, Math.max(64, Math.floor(limit / 10)));
  return Math.max(Math.floor(limit / 2), limit - reserve);
}

let derived: number | undefined;

/**
 * The default `maxConnections`, read once: what the process's open-file limit leaves for
 * connections, divided among the fast-mode workers that share the process (each thread builds its
 * own app), so together they stay under the limit.
 */
export function defaultMaxConnections(): number {
  return (derived ??= Math.floor(connectionsForFileLimit(openFileLimit()) / threadsSharingTheProcess()));
}

function threadsSharingTheProcess(): number {
  if (isMainThread) return 1;
  const boot = (workerData as Record<string, { workers?: unknown }> | null)?.[WORKER_DATA_KEY];
  return typeof boot?.workers === 'number' && boot.workers > 0 ? boot.workers : 1;
}

/** How many descriptors this process has open right now, where the system shows it (Linux); else null. */
export function openDescriptorCount(): number | null {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return null;
  }
}
