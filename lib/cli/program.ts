import { Command, CommanderError, Option } from 'commander';
import { CliError } from './cli.error';
import type { CliIO } from './cli-io';
import { printAsyncApi } from './commands/asyncapi.command';
import { printClientTypes } from './commands/client.command';
import { generateGateway } from './commands/generate-gateway.command';
import { newProject } from './commands/new.command';
import { printRoutes } from './commands/routes.command';
import { ownPackage } from './own-package';

const EXAMPLES = `
Examples:
  proapi new my-chat                  create a starter project in ./my-chat
  proapi g gateway chat-room          add ChatRoomGateway (gateways/chat-room.gateway.ts) and its spec
  proapi routes                       print the route table of ./app.ts's createApp()
  proapi asyncapi --out asyncapi.json write the AsyncAPI 3.0 document of the app
  proapi client --out client/api.ts   write the typed API of each gateway, for createClient<Api>()
`;

/**
 * Runs the `proapi` command line with `argv` (the arguments after `proapi`) and resolves with the
 * exit code. Nothing here calls `process.exit`, so specs can run it in-process.
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  try {
    await buildProgram(io).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    // Commander has already printed its own message (usage errors, --help, --version).
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliError) {
      io.stderr(`error: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

function buildProgram(io: CliIO): Command {
  // Settings made before .command() are inherited by every subcommand.
  const program = new Command('proapi')
    .description('Create ProAPI WebSocket projects, add gateways, list routes, and describe the API (AsyncAPI, client types).')
    .version(ownPackage().version, '-v, --version', 'print the ProAPI version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', EXAMPLES);

  program
    .command('new')
    .description('create a starter project: a chat gateway, a DTO, a middleware and specs')
    .argument('<dir>', 'directory to create; it must be empty unless --force')
    .option('--name <name>', 'npm package name (default: made from the directory name)')
    .addOption(new Option('--package-manager <pm>', 'package manager for the next steps').choices(['npm']).default('npm'))
    .option('--force', 'write into a non-empty directory, overwriting files with the same names')
    .option(
      '--proapi <spec>',
      `proapi dependency to write, e.g. file:../proapi-${ownPackage().version}.tgz ` +
        `(default: ^${ownPackage().version} from npm; run from a checkout, a tarball of it in vendor/)`,
    )
    .action((dir: string, options: { name?: string; packageManager: string; force?: boolean; proapi?: string }) =>
      newProject(dir, options, io),
    );

  const generate = program
    .command('generate')
    .alias('g')
    .description('add code to an existing ProAPI project');
  generate
    .command('gateway')
    .description('add a gateway and its spec, and register it in app.ts')
    .argument('<name>', 'e.g. chat-room: ChatRoomGateway in gateways/chat-room.gateway.ts, served at /chat-room')
    .option('--cwd <dir>', 'project directory (default: the current directory)')
    .action((name: string, options: { cwd?: string }) => generateGateway(name, options, io));

  program
    .command('routes')
    .description("print the route table of the project's app, without starting a server")
    .option('--cwd <dir>', 'project directory (default: the current directory)')
    .option('--entry <file>', 'module exporting createApp() (default: app.ts, else app.js)')
    .option('--json', 'print JSON instead of a table')
    .action((options: { cwd?: string; entry?: string; json?: boolean }) => printRoutes(options, io));

  program
    .command('asyncapi')
    .description("print the app's AsyncAPI 3.0 document (JSON), without starting a server")
    .option('--out <file>', 'write it to this file instead of stdout')
    .option('--cwd <dir>', 'project directory (default: the current directory)')
    .option('--entry <file>', 'module exporting createApp() (default: app.ts, else app.js)')
    .option('--title <title>', "the document's title (default: package.json name)")
    .option('--api-version <version>', "the API's version (default: package.json version)")
    .action((options: { out?: string; cwd?: string; entry?: string; title?: string; apiVersion?: string }) => printAsyncApi(options, io));

  program
    .command('client')
    .description('print a TypeScript module typing each gateway for createClient<Api>() (message types, payloads, replies, pushes)')
    .option('--out <file>', 'write it to this file instead of stdout')
    .option('--cwd <dir>', 'project directory (default: the current directory)')
    .option('--entry <file>', 'module exporting createApp() (default: app.ts, else app.js)')
    .option('--import-from <module>', 'where the module imports ClientApi from', 'proapi/client')
    .action((options: { out?: string; cwd?: string; entry?: string; importFrom: string }) => printClientTypes(options, io));

  return program;
}
