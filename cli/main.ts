import { runCli } from './run-cli.ts';

// A reader that stops early (`wow … | head`) closes the pipe, and the next write fails with
// EPIPE: Node emits that as an 'error' on the stream, and unheard it crashes the process
// with a stack trace. Nobody reads on, so the process ends there as a Unix tool that
// SIGPIPE kills does: quietly, with what a shell reports for that, 141 (128 + 13).
const closedPipe = 141;
const onStreamError = (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(closedPipe);
};
process.stdout.on('error', onStreamError);
process.stderr.on('error', onStreamError);

// Loaded by cli/wow.js once the compile cache is on.
process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  color: process.stdout.isTTY && process.env.NO_COLOR === undefined,
});
