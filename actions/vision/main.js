// The Action's entry. GitHub runs it with its own Node 24 and without installing anything,
// so the first run on a runner installs the production dependencies next to the action;
// the TypeScript entry then runs directly (Node 24 strips types).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
if (!existsSync(`${root}node_modules/ts-morph`)) {
  process.stdout.write('WowVision: installing its dependencies (npm ci --omit=dev)…\n');
  execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}
const { runVisionAction, actionExit } = await import('./src/run-vision-action.ts');
const { plainCommand } = await import('./src/workflow-commands.ts');
try {
  process.exitCode = await runVisionAction(process.env, { stdout: process.stdout });
} catch (err) {
  process.stdout.write(`${plainCommand('error', String(err instanceof Error ? err.message : err), 'WowVision could not review')}\n`);
  process.exitCode = actionExit.failed;
}
