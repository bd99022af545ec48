import { accessSync, constants, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';

/** Where Debian's `chromium` package puts its launcher. */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';
const INSTALL_ARGS = ['apt-get', 'install', '-y', 'chromium'] as const;

/** The Chromium the browser specs drive: `CHROMIUM_PATH` if set, else Debian's. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHROMIUM_PATH || DEBIAN_CHROMIUM;
}

/** What is true of this machine, as far as getting Chromium goes. */
export interface MachineFacts {
  readonly chromiumPath: string;
  readonly chromiumFound: boolean;
  readonly hasAptGet: boolean;
  readonly isRoot: boolean;
  /** sudo runs without asking for a password (`sudo -n true` succeeds). */
  readonly hasPasswordlessSudo: boolean;
}

export type ChromiumPlan =
  | { readonly action: 'ready' }
  | { readonly action: 'install'; readonly commands: readonly (readonly string[])[]; readonly shown: string }
  | { readonly action: 'fail'; readonly message: string };

/**
 * What to do before the browser specs run: nothing, install Debian's chromium (as root, or with
 * passwordless sudo), or stop with the one command the user has to run.
 */
export function chromiumPlan(facts: MachineFacts): ChromiumPlan {
  if (facts.chromiumFound) return { action: 'ready' };
  const where = `The browser specs (spec/browser/) drive Chromium, which is not at ${facts.chromiumPath}`;
  if (facts.chromiumPath !== DEBIAN_CHROMIUM) {
    return {
      action: 'fail',
      message: `${where} (CHROMIUM_PATH). Point CHROMIUM_PATH at a Chromium or Chrome binary, or unset it to use Debian's ${DEBIAN_CHROMIUM}.`,
    };
  }
  if (!facts.hasAptGet) {
    return {
      action: 'fail',
      message: `${where}, and this is not a Debian-like system (no apt-get). Install Chromium or Chrome, then run: CHROMIUM_PATH=/path/to/chromium npm test`,
    };
  }
  const sudo = facts.isRoot ? [] : ['sudo', '-n'];
  if (!facts.isRoot && !facts.hasPasswordlessSudo) {
    return { action: 'fail', message: `${where}. Install it with:\n\n  sudo apt-get update && sudo ${INSTALL_ARGS.join(' ')}\n\nthen run npm test again.` };
  }
  return {
    action: 'install',
    commands: [
      [...sudo, 'apt-get', 'update', '-qq'],
      [...sudo, ...INSTALL_ARGS],
    ],
    shown: `${facts.isRoot ? '' : 'sudo '}${INSTALL_ARGS.join(' ')}`,
  };
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function succeeds(command: string, args: readonly string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

/** Looks at this machine. */
export function machineFacts(env: NodeJS.ProcessEnv = process.env): MachineFacts {
  const path = chromiumPath(env);
  const found = isExecutableFile(path);
  const isRoot = process.getuid?.() === 0;
  return {
    chromiumPath: path,
    chromiumFound: found,
    hasAptGet: !found && succeeds('sh', ['-c', 'command -v apt-get']),
    isRoot,
    hasPasswordlessSudo: !found && !isRoot && succeeds('sudo', ['-n', 'true']),
  };
}

/**
 * Makes sure Chromium is there before the browser specs run, installing Debian's package when
 * it may; otherwise throws with the command to run. Output of the install goes to the terminal.
 */
export function ensureChromium(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): void {
  const plan = chromiumPlan(machineFacts());
  if (plan.action === 'ready') return;
  if (plan.action === 'fail') throw new Error(plan.message);
  log(`Chromium is missing; the browser specs need it. Running: ${plan.shown}`);
  for (const [command, ...args] of plan.commands) {
    const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (result.status !== 0) {
      throw new Error(`\`${[command, ...args].join(' ')}\` failed (${result.error?.message ?? `exit ${result.status}`}); install Chromium with: ${plan.shown}`);
    }
  }
  if (!isExecutableFile(DEBIAN_CHROMIUM)) throw new Error(`${plan.shown} finished, but ${DEBIAN_CHROMIUM} is still missing`);
  log(`Chromium installed at ${DEBIAN_CHROMIUM}.`);
}

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Starts headless Chromium; `extraArgs` add switches (e.g. `--host-resolver-rules=...`). */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  const path = chromiumPath();
  if (!isExecutableFile(path)) {
    // jest's global setup installs it first; this is for runs that bypassed it.
    const plan = chromiumPlan(machineFacts());
    throw new Error(plan.action === 'fail' ? plan.message : `Chromium is not at ${path}; install it with: ${plan.action === 'install' ? plan.shown : ''}`);
  }
  return chromium.launch({ executablePath: path, args: [...CHROMIUM_ARGS, ...extraArgs], timeout: 30_000 });
}
