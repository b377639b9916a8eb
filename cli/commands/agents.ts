import type { Command } from 'commander';
import { createAgentHost, createGitHubPort, createLogger, listAgents, loadConfig, openRuntime, openStore } from '../../agents/runtime/src/index.ts';
import { exitCodes, type CliIo } from '../cli-io.ts';
import { formatTable } from '../format-table.ts';
import { waitForShutdown } from '../wait-for-shutdown.ts';

export function registerAgentsCommands(program: Command, io: CliIo, setCode: (code: number) => void): void {
  const agents = program.command('agents').description('Agents: the registry, and running them in their own process');

  agents.command('list')
    .description('Each registered agent with its version, instances and status (Available / Working / Offline)')
    .option('--json', 'print the registry as JSON')
    .action(async (opts: { json?: boolean }) => {
      const config = loadConfig(io.env);
      const store = await openStore(config, createLogger(opts.json === true ? 'silent' : 'warn'));
      try {
        const rows = await listAgents(store, { heartbeatTimeoutMs: config.agents.heartbeatTimeoutMs });
        if (opts.json === true) io.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        else {
          io.stdout.write(formatTable(
            ['AGENT', 'VERSION', 'STATUS', 'INSTANCES', 'IN FLIGHT', 'LAST HEARTBEAT'],
            rows.map((a) => [a.id, a.version, a.status, `${a.liveInstances}/${a.instances}`, String(a.inFlight), a.lastHeartbeatAt ?? '-']),
            'No agents registered yet. Start the platform (`npm start`) or `wow agents run`.',
          ));
        }
      } finally {
        await store.close();
      }
      setCode(exitCodes.ok);
    });

  agents.command('run')
    .description('Run agents in this process (all when no id is given). With REDIS_URL and DATABASE_URL set, each process adds consumers to the same groups: more processes, more throughput.')
    .argument('[ids...]', 'agent ids (folder names under AGENTS_DIR)')
    .action(async (ids: string[]) => {
      const config = loadConfig(io.env);
      const log = createLogger(config.logLevel);
      const runtime = await openRuntime(config, log);
      try {
        const host = await createAgentHost({ config, bus: runtime.bus, store: runtime.store, log, metrics: runtime.metrics, github: config.github === undefined ? undefined : createGitHubPort({ credentials: config.github }), agentsDir: config.agents.dir, ...(ids.length === 0 ? {} : { ids }) });
        await host.start();
        log.info({ agents: host.agents() }, 'agents running; SIGTERM drains and stops');
        const signal = await waitForShutdown();
        log.info({ signal }, 'draining');
        const result = await host.stop({ timeoutMs: config.agents.shutdownTimeoutMs });
        setCode(result.drained ? exitCodes.ok : exitCodes.failed);
      } finally {
        await runtime.close();
      }
    });
}
