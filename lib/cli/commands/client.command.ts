import type { CliIO } from '../cli-io';
import { generateClientTypes } from '../../codegen/generate-client-types';
import { loadApp, readApp, type AppLocation } from '../load-app';
import { writeOutput } from '../write-output';

export interface ClientCommandOptions extends AppLocation {
  out?: string;
  importFrom: string;
}

/**
 * `proapi client [--out file]`: a TypeScript module with the API type of each gateway (message
 * types, DTO payloads, replies, pushes), for `createClient<ChatGatewayApi>(url)`.
 */
export async function printClientTypes(options: ClientCommandOptions, io: CliIO): Promise<void> {
  const { app } = await loadApp(options, io, 'client');
  const described = readApp(() => app.describe());
  const command = ['proapi client', ...(options.out ? [`--out ${options.out}`] : [])].join(' ');
  const text = readApp(() => generateClientTypes(described, { importFrom: options.importFrom, command }));
  writeOutput(text, options.out, io, 'the client types');
}
