import { runCli } from '../../lib/cli/program';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the `proapi` command line in-process, in `cwd`, capturing what it prints. */
export async function proapi(cwd: string, ...argv: string[]): Promise<Run> {
  const run = { code: 0, stdout: '', stderr: '' };
  run.code = await runCli(argv, {
    cwd,
    stdout: (text) => (run.stdout += text),
    stderr: (text) => (run.stderr += text),
    loadModule: (file) => require(file) as unknown,
  });
  return run;
}
