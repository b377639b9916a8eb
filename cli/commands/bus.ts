import type { Command } from 'commander';
import type { Bus, Config } from '#platform';
import { createError } from '../errors.ts';
import { exitCodes, type CliIo } from '../cli-io.ts';
import { formatTable } from '../format-table.ts';

/**
 * The in-process bus lives inside the platform process, so another process has nothing
 * to read: say where its figures are instead of printing an empty table.
 */
function requireRedis(config: Config): void {
  if (config.redis.url === undefined) {
    throw createError('WOW_ERR_CLI_USAGE', {
      problem:
        '`wow bus` reads the Redis bus, and REDIS_URL is not set: the in-process bus lives inside the running ' +
        '`wow start` process, whose figures are on GET /metrics (wow_bus_*). Set REDIS_URL to share a bus between processes.',
    });
  }
}

/**
 * Opens the Redis bus; `sends` (a redrive) also opens the store and the identities, so
 * that what is sent again is signed again as its sender (BUS_SIGNING).
 */
async function withBus(
  io: CliIo,
  opts: { json: boolean; sends?: boolean },
  use: (bus: Bus) => Promise<void>,
): Promise<void> {
  const { createIdentity, createLogger, loadConfig, migrate, openBus, openMessageGuard, openStore } =
    await import('#platform');
  const config = loadConfig(io.env);
  requireRedis(config);
  const log = createLogger(opts.json ? 'silent' : 'warn');
  const store = opts.sends === true && config.bus.signing !== 'off' ? await openStore(config, log) : undefined;
  try {
    if (store !== undefined) await migrate(store, { log });
    const signing =
      store === undefined
        ? undefined
        : await openMessageGuard(config, await createIdentity({ settings: config.identity, store, log }));
    try {
      const bus = await openBus(config, log, undefined, signing?.guard);
      try {
        await use(bus);
      } finally {
        await bus.close();
      }
    } finally {
      await signing?.close();
    }
  } finally {
    await store?.close();
  }
}

const age = (ms: number | null) => (ms === null ? '-' : ms < 1000 ? `${ms}ms` : `${(ms / 1000).toFixed(1)}s`);

export function registerBusCommands(program: Command, io: CliIo, setCode: (code: number) => void): void {
  const bus = program.command('bus').description('The Redis Streams event bus (REDIS_URL)');

  bus
    .command('stats')
    .description('Streams, consumer groups, pending and lagging entries, dead letters')
    .option('--json', 'print the stats as JSON')
    .action(async (opts: { json?: boolean }) => {
      await withBus(io, { json: opts.json === true }, async (b) => {
        const stats = await b.stats();
        if (opts.json === true) {
          io.stdout.write(JSON.stringify(stats, null, 2) + '\n');
          return;
        }
        const rows = stats.topics.flatMap((t) =>
          t.groups.length === 0
            ? [[t.topic, String(t.length), '-', '-', '-', '-', '-']]
            : t.groups.map((g) => [
                t.topic,
                String(t.length),
                g.group,
                String(g.consumers),
                String(g.pending),
                g.lag === null ? '?' : String(g.lag),
                age(g.oldestPendingMs),
              ]),
        );
        io.stdout.write(
          formatTable(
            ['TOPIC', 'LENGTH', 'GROUP', 'CONSUMERS', 'PENDING', 'LAG', 'OLDEST PENDING'],
            rows,
            'No streams yet.',
          ),
        );
        const dead = stats.deadLetters.filter((d) => d.count > 0);
        if (dead.length > 0)
          io.stdout.write(
            '\n' +
              formatTable(
                ['DEAD LETTERS', 'COUNT'],
                dead.map((d) => [d.group, String(d.count)]),
                '',
              ),
          );
      });
      setCode(exitCodes.ok);
    });

  const dlq = bus.command('dlq').description('Messages that failed every attempt, with their errors');
  dlq
    .command('list')
    .description('List dead-lettered messages')
    .option('--agent <id>', 'only this agent (consumer group)')
    .option(
      '--limit <n>',
      'at most this many',
      (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1)
          throw createError('WOW_ERR_CLI_USAGE', { problem: `--limit expects a positive integer, got "${v}"` });
        return n;
      },
      100,
    )
    .option('--json', 'print the entries as JSON')
    .action(async (opts: { agent?: string; limit: number; json?: boolean }) => {
      await withBus(io, { json: opts.json === true }, async (b) => {
        const entries = await b.deadLetters.list({
          limit: opts.limit,
          ...(opts.agent === undefined ? {} : { group: opts.agent }),
        });
        if (opts.json === true) {
          io.stdout.write(JSON.stringify(entries, null, 2) + '\n');
          return;
        }
        io.stdout.write(
          formatTable(
            ['ID', 'AGENT', 'TYPE', 'ATTEMPTS', 'FAILED AT', 'ERROR'],
            entries.map((e) => [
              e.id,
              e.group,
              e.event.type,
              String(e.attempts),
              e.failedAt,
              `${e.error.code}: ${e.error.message.split('\n')[0] ?? ''}`,
            ]),
            'No dead-lettered messages.',
          ),
        );
      });
      setCode(exitCodes.ok);
    });

  dlq
    .command('redrive')
    .description("Send an agent's dead-lettered messages back to that agent only (all of them, or the ids given)")
    .argument('<agent>', 'the agent (consumer group) whose messages to redrive')
    .argument('[ids...]', 'dead-letter entry ids from `wow bus dlq list`')
    .option('--json', 'print { redriven } as JSON')
    .action(async (agent: string, ids: string[], opts: { json?: boolean }) => {
      await withBus(io, { json: opts.json === true, sends: true }, async (b) => {
        const redriven = await b.deadLetters.redrive(agent, ids.length === 0 ? undefined : ids);
        io.stdout.write(
          opts.json === true ? JSON.stringify({ redriven }) + '\n' : `redriven ${redriven} message(s) to ${agent}\n`,
        );
      });
      setCode(exitCodes.ok);
    });
}
