#!/usr/bin/env node
import { enableCompileCache } from 'node:module';

// Node keeps each module it compiles (TypeScript included, after stripping its types) in a
// cache on disk, so a second `wow` skips most of the work of starting. It must be on before
// the rest loads, hence the import below is dynamic.
enableCompileCache();
const { runCli } = await import('./run-cli.ts');

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  color: process.stdout.isTTY && process.env.NO_COLOR === undefined,
});
