import { Command, CommanderError, Option } from 'commander';
import { CliError } from './cli.error';
import type { CliIO } from './cli-io';
import { generateGateway } from './commands/generate-gateway.command';
import { newProject } from './commands/new.command';
import { printRoutes } from './commands/routes.command';
import { ownPackage } from './own-package';

const EXAMPLES = `
Examples:
  proapi new my-chat                  create a starter project in ./my-chat
  proapi g gateway chat-room          add ChatRoomGateway (gateways/chat-room.gateway.ts) and its spec
  proapi routes                       print the route table of ./app.ts's createApp()
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
    .description('Create ProAPI WebSocket projects, add gateways, and list routes.')
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

  return program;
}
