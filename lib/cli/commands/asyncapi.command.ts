import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CliError } from '../cli.error';
import type { CliIO } from '../cli-io';
import { loadApp, readApp, type AppLocation } from '../load-app';
import { writeOutput } from '../write-output';

export interface AsyncApiCommandOptions extends AppLocation {
  out?: string;
  title?: string;
  apiVersion?: string;
}

/**
 * `proapi asyncapi [--out file]`: the project's AsyncAPI 3.0 document (`app.asyncapi()`) as JSON.
 * The title and version default to the project's package.json name and version.
 */
export async function printAsyncApi(options: AsyncApiCommandOptions, io: CliIO): Promise<void> {
  const { app, root } = await loadApp(options, io, 'asyncapi');
  if (typeof app.asyncapi !== 'function') {
    throw new CliError("the project's proapi has no app.asyncapi(): update proapi in the project (npm install proapi@latest)");
  }
  const project = readPackage(root);
  const document = readApp(() =>
    app.asyncapi?.({ title: options.title ?? project.name, version: options.apiVersion ?? project.version }),
  );
  writeOutput(`${JSON.stringify(document, null, 2)}\n`, options.out, io, 'the AsyncAPI document');
}

function readPackage(root: string): { name?: string; version?: string } {
  try {
    const { name, version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
    return { name: typeof name === 'string' ? name : undefined, version: typeof version === 'string' ? version : undefined };
  } catch {
    return {};
  }
}
