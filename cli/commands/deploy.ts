import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { AgentDeployed, DeployOutcome, Logger } from '#platform';
import { createError } from '../errors.ts';
import { exitCodes, type CliIo } from '../cli-io.ts';
import type { DeploymentsTarget } from '../github-deployments.ts';

interface DeployFlags {
  ref: string;
  changedSince?: string;
  rollback?: boolean;
  cwd: string;
  json?: boolean;
}

export function registerDeployCommand(program: Command, io: CliIo, setCode: (code: number) => void): void {
  program
    .command('deploy')
    .description(
      'Deploy agents as committed: each becomes a Draft version in the registry, is proven to load, then Active (the previous one Retired), and every running runtime swaps it in after draining the old one. In GitHub Actions (GITHUB_TOKEN set) each deploy is reported through the Deployments API.',
    )
    .argument('[ids...]', 'agent ids (folder names under AGENTS_DIR)')
    .option('--ref <rev>', 'the commit to deploy', 'HEAD')
    .option(
      '--changed-since <rev>',
      "deploy the agents whose folder changed since <rev> (a push's previous commit), instead of naming them",
    )
    .option('--rollback', 'return each named agent to the version Active before the current one')
    .option('-C, --cwd <dir>', 'the repository to deploy from', '.')
    .option('--json', 'print the outcomes as JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 every agent Active, 1 an agent failed to deploy (its previous version keeps running), 2 bad usage.\n\nExamples:\n  wow deploy factory wowvision\n  wow deploy --changed-since "$BEFORE_SHA"\n  wow deploy --rollback factory',
    )
    .action(async (ids: string[], flags: DeployFlags) => {
      setCode(await deploy(ids, flags, io));
    });
}

async function deploy(ids: string[], flags: DeployFlags, io: CliIo): Promise<number> {
  const { changedAgents, createIdentity, createLogger, deployAgents, loadConfig, openStore, rollbackVersion, runGit } =
    await import('#platform');
  const { reportDeployment, startDeployment } = await import('../github-deployments.ts');
  const { gitRoot } = await import('../git-root.ts');
  const config = loadConfig(io.env);
  const root = await gitRoot(flags.cwd, 'deploy from a checkout');
  const agentsDir = resolve(root, config.agents.dir);
  if (flags.changedSince !== undefined) {
    if (ids.length > 0 || flags.rollback === true)
      throw createError('WOW_ERR_CLI_USAGE', {
        problem: '--changed-since picks the agents itself; give no ids and no --rollback with it',
      });
    ids = (
      await changedAgents({ repoRoot: root, agentsPath: config.agents.dir, since: flags.changedSince, ref: flags.ref })
    ).ids;
    if (ids.length === 0) {
      io.stdout.write(
        flags.json === true ? '[]\n' : `No agent changed since ${flags.changedSince}; nothing to deploy.\n`,
      );
      return exitCodes.ok;
    }
  }
  if (ids.length === 0)
    throw createError('WOW_ERR_CLI_USAGE', {
      problem: 'name the agents to deploy (e.g. `wow deploy factory`), or give --changed-since <rev>',
    });

  const log = createLogger(flags.json === true ? 'silent' : 'warn');
  const github = await deploymentsTarget(io, log);
  const store = await openStore(config, log);
  try {
    if (flags.rollback === true) {
      const done: AgentDeployed[] = [];
      for (const id of ids) {
        const back = await rollbackVersion(store, id, 'wow/deploy');
        done.push(back);
        if (flags.json !== true)
          io.stdout.write(
            `↩ ${id} rolled back to ${back.version} (${back.treeHash.slice(0, 7)}, commit ${back.commit.slice(0, 7)}); runtimes are swapping it in\n`,
          );
        if (github !== undefined)
          await report(io, back.agentId, () =>
            startDeployment(github, {
              agentId: id,
              commit: back.commit,
              rollback: true,
              description: `Rolled back to ${back.treeHash.slice(0, 7)}`,
              payload: { ...back },
            }).then((d) => reportDeployment(github, d, id, 'success', `Active: ${back.treeHash.slice(0, 7)}`)),
          );
      }
      if (flags.json === true) io.stdout.write(JSON.stringify(done, null, 2) + '\n');
      return exitCodes.ok;
    }

    const commit = (await runGit(root, ['rev-parse', '--verify', `${flags.ref}^{commit}`]).catch(() => '')).trim();
    const deployments = new Map<string, number>();
    if (github !== undefined && commit !== '') {
      for (const id of ids)
        await report(
          io,
          id,
          async () =>
            void deployments.set(
              id,
              await startDeployment(github, {
                agentId: id,
                commit,
                rollback: false,
                description: `Deploying ${id}`,
                payload: { agentId: id },
              }),
            ),
        );
    }
    let outcomes: DeployOutcome[];
    try {
      outcomes = await deployAgents({
        store,
        repoRoot: root,
        agentsDir,
        ids,
        ref: flags.ref,
        log,
        identity: await createIdentity({ settings: config.identity, store, log }),
        onOutcome: (o) => {
          if (flags.json !== true) io.stdout.write(outcomeLine(o));
        },
      });
    } catch (err) {
      // Nothing was activated: every deployment opened above failed.
      for (const [id, deployment] of deployments)
        if (github !== undefined)
          await report(io, id, () => reportDeployment(github, deployment, id, 'error', (err as Error).message));
      throw err;
    }
    for (const o of outcomes) {
      const deployment = deployments.get(o.agentId);
      if (github === undefined || deployment === undefined) continue;
      const [state, text] =
        o.outcome === 'failed'
          ? (['failure', o.reason ?? 'failed to load'] as const)
          : (['success', `Active: ${o.treeHash.slice(0, 7)}${o.outcome === 'unchanged' ? ' (already)' : ''}`] as const);
      await report(io, o.agentId, () => reportDeployment(github, deployment, o.agentId, state, text));
    }
    if (flags.json === true) io.stdout.write(JSON.stringify(outcomes, null, 2) + '\n');
    return outcomes.some((o) => o.outcome === 'failed') ? exitCodes.failed : exitCodes.ok;
  } finally {
    await store.close();
  }
}

function outcomeLine(o: DeployOutcome): string {
  const at = `${o.version} (${o.treeHash.slice(0, 7)}, commit ${o.commit.slice(0, 7)})`;
  if (o.outcome === 'failed')
    return `✖ ${o.agentId} ${at} failed to load; ${o.previousTreeHash === null ? 'nothing of it runs' : `${o.previousTreeHash.slice(0, 7)} stays Active`}:\n  ${o.reason ?? ''}\n`;
  const waiting =
    o.withheld === undefined
      ? ''
      : `  waiting for approval (beyond its tier): ${o.withheld.join(', ')}; \`wow identity approve ${o.agentId} <capability> --by <login>\`\n`;
  if (o.outcome === 'unchanged') return `= ${o.agentId} ${at} is already Active\n${waiting}`;
  return `✔ ${o.agentId} ${at} is Active${o.previousTreeHash === null ? '' : ` (was ${o.previousTreeHash.slice(0, 7)})`}; runtimes are swapping it in\n${waiting}`;
}

/** GitHub Actions hands a run its token and repository; elsewhere nothing is reported. */
async function deploymentsTarget(io: CliIo, log: Logger): Promise<DeploymentsTarget | undefined> {
  const env = io.env;
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (
    env.GITHUB_ACTIONS !== 'true' ||
    env.GITHUB_TOKEN === undefined ||
    env.GITHUB_TOKEN === '' ||
    owner === undefined ||
    repo === undefined
  )
    return undefined;
  const { createGitHubClient } = await import('#platform');
  const client = createGitHubClient({
    auth: env.GITHUB_TOKEN,
    baseUrl: env.GITHUB_API_URL,
    userAgent: 'waooaw-deploy',
    fetch: io.fetch,
    log,
  });
  const logUrl =
    env.GITHUB_RUN_ID === undefined
      ? undefined
      : `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${owner}/${repo}/actions/runs/${env.GITHUB_RUN_ID}`;
  return { client, owner, repo, logUrl };
}

/** Reporting to GitHub never decides a deploy: a failure to report is a warning. */
async function report(io: CliIo, agentId: string, call: () => Promise<void>): Promise<void> {
  try {
    await call();
  } catch (err) {
    io.stderr.write(
      `warning: could not report the deploy of ${agentId} to GitHub (${(err as Error).message}); the deploy itself is unaffected. Does the workflow grant \`permissions: deployments: write\`?\n`,
    );
  }
}
