// The WowVision Action's entry, and the only module of the Action that reads the process's
// environment: @actions/github's context, the workspace, the job summary.
import process from 'node:process';
import { installDependencies } from '../install-dependencies.js';

installDependencies('WowVision');
const core = await import('@actions/core');
const { context } = await import('@actions/github');
const { runVisionAction, actionExit } = await import('./src/run-vision-action.ts');
try {
  process.exitCode = await runVisionAction({
    context,
    workspace: process.env.GITHUB_WORKSPACE ?? process.cwd(),
    env: process.env,
    summary: process.env.GITHUB_STEP_SUMMARY === undefined ? undefined : core.summary,
  });
} catch (err) {
  core.setFailed(`WowVision could not review: ${err instanceof Error ? err.message : String(err)}`);
  // setFailed exits 1, which this Action keeps for "a finding blocks".
  process.exitCode = actionExit.failed;
}
