// The Factory Action's entry.
import process from 'node:process';
import { installDependencies } from '../install-dependencies.js';

installDependencies('WowAgentFactory');
const { runFactoryAction, factoryExit } = await import('./src/run-factory-action.ts');
try {
  process.exitCode = await runFactoryAction(process.env, { stdout: process.stdout });
} catch (err) {
  // The Factory has already said it on the issue where it could; the run shows it too.
  process.stdout.write(
    `::error title=WowAgentFactory failed::${String(err instanceof Error ? err.message : err)
      .replace(/%/g, '%25')
      .replace(/\r/g, '%0D')
      .replace(/\n/g, '%0A')}\n`,
  );
  process.exitCode = factoryExit.failed;
}
