import { runCli } from './run-cli.ts';

// Loaded by cli/wow.js once the compile cache is on.
process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  color: process.stdout.isTTY && process.env.NO_COLOR === undefined,
});
