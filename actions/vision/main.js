// The WowVision Action's entry.
import process from 'node:process';
import { installDependencies } from '../install-dependencies.js';

installDependencies('WowVision');
const { runVisionAction, actionExit } = await import('./src/run-vision-action.ts');
const { plainCommand } = await import('./src/workflow-commands.ts');
try {
  process.exitCode = await runVisionAction(process.env, { stdout: process.stdout });
} catch (err) {
  process.stdout.write(
    `${plainCommand('error', String(err instanceof Error ? err.message : err), 'WowVision could not review')}\n`,
  );
  process.exitCode = actionExit.failed;
}
