import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const projectRoot = path.resolve(__dirname, '../..');

/** Starts a sample as a user would (`PORT=<n> npm run sample -- <name>`) and waits for its ready line. */
export async function startSample(name: string, port: number): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn('npm', ['run', 'sample', '--', name], {
    cwd: projectRoot,
    env: { ...process.env, PORT: String(port), PROAPI_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sample ${name} did not print "listening on" in 30 s:\n${output}`)), 30_000);
    const onData = (): void => {
      if (!output.includes(`listening on ws://127.0.0.1:${port}`)) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sample ${name} exited with ${code}:\n${output}`));
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
