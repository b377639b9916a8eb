import { Command, CommanderError } from 'commander';
import { isWowError } from '#platform';
import { exitCodes, type CliIo } from './cli-io.ts';
import { registerAgentsCommands } from './commands/agents.ts';
import { registerBusCommands } from './commands/bus.ts';
import { registerDbCommands } from './commands/db.ts';
import { registerDeployCommand } from './commands/deploy.ts';
import { registerFactoryCommands } from './commands/factory.ts';
import { registerKbCommands } from './commands/kb.ts';
import { registerReviewCommand } from './commands/review.ts';
import { registerStartCommand } from './commands/start.ts';
import { registerSupportCommands } from './commands/support.ts';

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
  registerStartCommand(program, io, setCode);
  registerAgentsCommands(program, io, setCode);
  registerDbCommands(program, io, setCode);
  registerBusCommands(program, io, setCode);
  registerReviewCommand(program, io, setCode);
  registerFactoryCommands(program, io, setCode);
  registerDeployCommand(program, io, setCode);
  registerSupportCommands(program, io, setCode);
  registerKbCommands(program, io, setCode);

  try {
    if (argv.length === 0) {
      program.outputHelp();
      return exitCodes.usage;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version'
        ? exitCodes.ok
        : exitCodes.usage;
    }
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
