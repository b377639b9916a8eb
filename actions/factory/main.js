// The Factory Action's entry, and the only module of the Action that reads the process's
// environment: @actions/github's context, the workspace, the job summary.
import process from 'node:process';
import { installDependencies } from '../install-dependencies.js';

installDependencies('WowAgentFactory');
const core = await import('@actions/core');
const { context } = await import('@actions/github');
const { runFactoryAction } = await import('./src/run-factory-action.ts');
try {
  process.exitCode = await runFactoryAction({
    context,
    workspace: process.env.GITHUB_WORKSPACE ?? process.cwd(),
    summary: process.env.GITHUB_STEP_SUMMARY === undefined ? undefined : core.summary,
  });
} catch (err) {
  // The Factory has already said it on the issue where it could; the run shows it too (exit code 1).
  core.setFailed(`WowAgentFactory failed: ${err instanceof Error ? err.message : String(err)}`);
}
