// GitHub runs an action with its own Node 24 and without installing anything, so the
// first run on a runner installs the platform's production dependencies beside it; the
// TypeScript entries then run directly (Node 24 strips types).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

/** Installs the dependencies once per runner; `name` is said in the log. */
export function installDependencies(name) {
  const root = fileURLToPath(new URL('../', import.meta.url));
  if (existsSync(`${root}node_modules/ts-morph`)) return;
  process.stdout.write(`${name}: installing its dependencies (npm ci --omit=dev)…\n`);
  execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
  });
}
