import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const projectRoot = path.resolve(__dirname, '../..');

/** Starts a sample as a user would (`PORT=<n> npm run sample -- <name>`) and waits for its ready line. */
export function startSample(name: string, port: number): Promise<{ child: ChildProcess; output: () => string }> {
  return startNpm(['run', 'sample', '--', name], port);
}

/**
 * Runs `npm <args>` in the project root with `PORT=<port>` (e.g. `npm start`) and waits for the
 * ready line, `listening on ws://127.0.0.1:<port>` (or for the text `until`, once the ready line
 * is printed). `output()` is everything printed so far.
 */
export async function startNpm(
  args: readonly string[],
  port: number,
  { env = {}, until }: { env?: NodeJS.ProcessEnv; until?: string } = {},
): Promise<{ child: ChildProcess; output: () => string }> {
  const command = `npm ${args.join(' ')}`;
  const ready = `listening on ws://127.0.0.1:${port}`;
  const child = spawn('npm', args, {
    cwd: projectRoot,
    env: { ...process.env, PORT: String(port), PROAPI_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`\`${command}\` did not print "${until ?? ready}" in 30 s:\n${output}`)), 30_000);
    const onData = (): void => {
      if (!output.includes(ready) || (until !== undefined && !output.includes(until))) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`\`${command}\` exited with ${code}:\n${output}`));
    });
  });
  return { child, output: () => output };
}

/** Stops a process group started with `detached: true` and waits for it to exit. */
export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    process.kill(-child.pid!, 'SIGTERM');
  });
}

/** A free TCP port on loopback, for processes that must be told their port up front. */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
