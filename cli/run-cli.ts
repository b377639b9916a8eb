import { Command, CommanderError } from 'commander';
import { exitCodes, type CliIo } from './cli-io.ts';
import { commandIndex } from './command-index.ts';

/** A command's action: does its work and says which exit code the process ends with. */
export type CommandAction = (...args: never[]) => Promise<number>;

/**
 * Runs `wow` with `argv` and returns its exit code: 0 success, 1 the operation failed,
 * 2 bad usage or configuration. Errors are printed as `error CODE: message`, never as a
 * stack trace.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = exitCodes.ok;
  const setCode = (c: number) => {
    code = c;
  };
  const program = new Command()
    .name('wow')
    .description(
      'Run and operate the WAOOAW platform: the GitHub App server, agents, database and bus, and review changes with WowVision.',
    )
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride();
  // Only the command being run is loaded with its engines; the others are listed by name.
  // `wow help <command>` runs that command's help, so it loads that command.
  const run = argv[0] === 'help' ? argv[1] : argv[0];
  for (const entry of commandIndex) {
    if (entry.name === run) (await entry.load())(program, io, setCode);
    else program.command(entry.name).summary(entry.summary);
  }

  try {
    if (argv.length === 0) {
      program.outputHelp();
      return exitCodes.usage;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help asked for (--help, `wow help <command>`) ends with 0; help shown because a
      // subcommand is missing, or any other usage error, with 2.
      return err.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    }
    const { isWowError } = await import('#platform/errors');
    if (isWowError(err)) {
      io.stderr.write(`error ${err.code}: ${err.message}\n`);
      return err.code === 'WOW_ERR_CONFIG' || err.code === 'WOW_ERR_CLI_USAGE' || err.code === 'WOW_ERR_GIT_REVISION'
        ? exitCodes.usage
        : exitCodes.failed;
    }
    io.stderr.write(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return exitCodes.failed;
  }
}
