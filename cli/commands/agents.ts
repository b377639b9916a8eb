import { InvalidArgumentError, Option, type Command } from 'commander';
import { exitCodes, type CliIo } from '../cli-io.ts';
import { formatTable } from '../format-table.ts';
import { waitForShutdown } from '../wait-for-shutdown.ts';
import { createMemoryBackend } from '../create-memory-backend.ts';

export function registerAgentsCommands(program: Command, io: CliIo, setCode: (code: number) => void): void {
  const agents = program.command('agents').description('Agents: the registry, and running them in their own process');

  const changes = {
    suspend:
      'Suspend an agent: every runtime stops its instances and refuses its messages within a heartbeat, and its credentials grant nothing, until it is resumed',
    resume: 'Resume a suspended agent: runtimes start it again within a heartbeat, and it gets live credentials',
    revoke: 'Revoke an agent for good: like suspend, but final (deploy it again under a new id)',
  } as const;
  for (const [change, description] of Object.entries(changes) as [keyof typeof changes, string][])
    agents
      .command(change)
      .description(description)
      .argument('<id>', 'the agent id')
      .requiredOption('--reason <text>', 'why, for the audit trail (`wow identity show <id>` prints it)')
      .option('--by <who>', 'who decided, for the audit trail', `wow agents ${change}`)
      .option('--json', 'print { agent, state, previous } as JSON')
      .addHelpText(
        'after',
        `\nExamples:\n  wow agents ${change} invoice-bot --by octocat --reason "${
          change === 'resume' ? 'incident 42 closed' : 'sending mail it should not'
        }"\n` + '\nExit codes: 0 done, 1 refused (see the message), 2 bad usage.',
      )
      .action(async (id: string, opts: { reason: string; by: string; json?: boolean }) => {
        const { createIdentity, createLogger, loadConfig, migrate, openStore } = await import('#platform');
        const config = loadConfig(io.env);
        const log = createLogger(opts.json === true ? 'silent' : 'warn');
        const store = await openStore(config, log);
        try {
          await migrate(store, { log });
          const identity = await createIdentity({ settings: config.identity, store, log });
          const actor = opts.by.slice(0, 100);
          const { state, previous } = await identity.lifecycle.change(id, change, { actor, reason: opts.reason });
          if (opts.json === true) io.stdout.write(JSON.stringify({ agent: id, state, previous }, null, 2) + '\n');
          else
            io.stdout.write(
              `✔ ${id} is ${state} (was ${previous}); runtimes follow within HEARTBEAT_INTERVAL_MS (${config.agents.heartbeatIntervalMs} ms)\n`,
            );
        } finally {
          await store.close();
        }
        setCode(exitCodes.ok);
      });

  agents
    .command('list')
    .description(
      'Each registered agent with its version, its deployed version (Active, by git tree hash), instances, status (Available / Working / Offline) and the scaling WowScaling recommends for it (with its pull request, when one is open)',
    )
    .option('--json', 'print the registry as JSON, each agent with its open `scaling` recommendation or null')
    .action(async (opts: { json?: boolean }) => {
      const { createLogger, listAgents, loadConfig, migrate, openStore } = await import('#platform');
      const { changeOf, openRecommendations } = await import('../../agents/wowscaling/src/index.ts');
      const config = loadConfig(io.env);
      const log = createLogger(opts.json === true ? 'silent' : 'warn');
      const store = await openStore(config, log);
      try {
        // Before the first `npm start` the database has no tables yet: the registry is then empty, not an error.
        await migrate(store, { log });
        const listed = await listAgents(store, { heartbeatTimeoutMs: config.agents.heartbeatTimeoutMs });
        const recommended = new Map((await openRecommendations(store)).map((r) => [r.agentId, r]));
        const rows = listed.map((a) => {
          const r = recommended.get(a.id);
          return {
            ...a,
            scaling:
              r === undefined
                ? null
                : {
                    id: r.id,
                    direction: r.direction,
                    reason: r.reason,
                    current: r.current,
                    proposed: r.proposed,
                    pull: r.pull,
                  },
          };
        });
        if (opts.json === true) io.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        else {
          io.stdout.write(
            formatTable(
              ['AGENT', 'VERSION', 'DEPLOYED', 'STATUS', 'INSTANCES', 'IN FLIGHT', 'LAST HEARTBEAT', 'SCALING'],
              rows.map((a) => [
                a.id,
                a.version,
                a.deployed === null
                  ? '-'
                  : `Active ${a.deployed.treeHash.slice(0, 7)} (${a.deployed.runningInstances} running)`,
                a.status,
                `${a.liveInstances}/${a.instances}`,
                String(a.inFlight),
                a.lastHeartbeatAt ?? '-',
                a.scaling === null
                  ? '-'
                  : `${a.scaling.direction}: ${changeOf(a.scaling)}${a.scaling.pull === null ? '' : ` (#${a.scaling.pull.number})`}`,
              ]),
              'No agents registered yet. Start the platform (`npm start`) or `wow agents run`.',
            ),
          );
        }
      } finally {
        await store.close();
      }
      setCode(exitCodes.ok);
    });

  agents
    .command('changed')
    .description(
      'The agents whose folder changed between two commits, one id per line: what a push deploys (the deploy workflow tests these, then deploys them)',
    )
    .argument('<since>', "the earlier commit, e.g. a push's previous tip; 0000000 (a new branch) means every agent")
    .option('--ref <rev>', 'the later commit', 'HEAD')
    .option('-C, --cwd <dir>', 'the repository', '.')
    .option('--json', 'print { ids, others } as JSON')
    .action(async (since: string, opts: { ref: string; cwd: string; json?: boolean }) => {
      const { changedAgents, loadConfig } = await import('#platform');
      const { gitRoot } = await import('../git-root.ts');
      const config = loadConfig(io.env);
      const root = await gitRoot(opts.cwd, 'changes are read from git history');
      const changed = await changedAgents({ repoRoot: root, agentsPath: config.agents.dir, since, ref: opts.ref });
      if (opts.json === true) io.stdout.write(JSON.stringify(changed, null, 2) + '\n');
      else {
        io.stdout.write(changed.ids.map((id) => `${id}\n`).join(''));
        // Not agents: the runtime itself changes by restarting runtimes, not by a deploy.
        for (const other of changed.others)
          io.stderr.write(
            `note: ${config.agents.dir}/${other}/ changed and is not an agent; runtimes run it after a restart\n`,
          );
      }
      setCode(exitCodes.ok);
    });

  agents
    .command('run')
    .description(
      'Run agents in this process (all when no id is given). With REDIS_URL and DATABASE_URL set, ' +
        'each process adds consumers to the same groups: more processes, more throughput.',
    )
    .argument('[ids...]', 'agent ids (folder names under AGENTS_DIR)')
    .addOption(
      new Option(
        '--port <port>',
        'also serve /healthz, /readyz and /metrics on HOST at this port (0: any free one), for health checks and Prometheus',
      ).argParser(portNumber),
    )
    .action(async (ids: string[], { port }: { port?: number }) => {
      const { createAgentHost, createGitHubPort, createLogger, loadConfig, openRuntime } = await import('#platform');
      const config = loadConfig(io.env);
      const log = createLogger(config.logLevel);
      const runtime = await openRuntime(config, log);
      try {
        const host = await createAgentHost({
          config,
          bus: runtime.bus,
          store: runtime.store,
          log,
          metrics: runtime.metrics,
          cache: runtime.cache,
          github:
            config.github === undefined
              ? undefined
              : createGitHubPort({ credentials: config.github, log, observer: runtime.metrics.github }),
          agentsDir: config.agents.dir,
          identity: runtime.identity,
          signed: runtime.signed,
          memory: await createMemoryBackend(runtime.store, runtime.metrics, log, io.env),
          ...(ids.length === 0 ? {} : { ids }),
        });
        await host.start();
        runtime.relay.start();
        // Deploys give identities; an agent run from its folder, never deployed, gets one here.
        for (const subject of ['platform', ...host.agents()])
          await runtime.identity.ensure(subject, { actor: 'wow agents run' });
        const ops =
          port === undefined
            ? undefined
            : await (
                await import('../../app/server/create-ops-server.ts')
              ).createOpsServer({ bus: runtime.bus, store: runtime.store, log, metrics: runtime.metrics });
        const address = await ops?.listen({ host: config.http.host, port });
        log.info(
          { agents: host.agents(), ...(address === undefined ? {} : { address }) },
          'agents running; SIGTERM drains and stops',
        );
        const signal = await waitForShutdown();
        log.info({ signal }, 'draining');
        await ops?.close();
        const result = await host.stop({ timeoutMs: config.agents.shutdownTimeoutMs });
        setCode(result.drained ? exitCodes.ok : exitCodes.failed);
      } finally {
        await runtime.close();
      }
    });
}

function portNumber(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535)
    throw new InvalidArgumentError('expected a port from 0 to 65535');
  return Number(value);
}
