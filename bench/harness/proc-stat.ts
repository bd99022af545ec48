import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second, the unit of utime/stime in /proc/<pid>/stat. */
const CLOCK_TICKS = readClockTicks();

function readClockTicks(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}

export interface CpuTime {
  /** User-space CPU time (JavaScript, V8, uWS), all threads, in microseconds. */
  readonly user: number;
  /** Kernel CPU time (syscalls, the loopback TCP stack), all threads, in microseconds. */
  readonly system: number;
}

/** CPU time the process has used so far (utime and stime of /proc/<pid>/stat). */
export function cpuTime(pid: number): CpuTime {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: (Number(fields[11]) * 1e6) / CLOCK_TICKS, system: (Number(fields[12]) * 1e6) / CLOCK_TICKS };
}

/** Resident set size of the process, in bytes. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status: has the process exited?`);
  return Number(match[1]) * 1024;
}

/** The soft limit on open files for this process (children inherit it). */
export function openFileLimit(): number {
  const limits = readFileSync('/proc/self/limits', 'utf8');
  const match = /^Max open files\s+(\d+|unlimited)/m.exec(limits);
  return !match || match[1] === 'unlimited' ? Infinity : Number(match[1]);
}

export const cpuClockResolutionMicros = 1e6 / CLOCK_TICKS;
