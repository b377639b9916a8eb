import type { Command } from 'commander';
import type { CacheStats } from '../../agents/wowcache/src/index.ts';
import { createError } from '../errors.ts';
import { exitCodes, type CliIo } from '../cli-io.ts';
import { formatTable } from '../format-table.ts';

type SetCode = (code: number) => void;

const exitHelp = '\nExit codes: 0 done, 1 the figures could not be read, 2 bad usage or configuration.';

/** `wow cache …`: ctx.cache's figures and WowCache's tuning (agents/wowcache). */
export function registerCacheCommands(program: Command, io: CliIo, setCode: SetCode): void {
  const cache = program
    .command('cache')
    .description("The platform's cache (ctx.cache): each namespace's figures and WowCache's tuning of it");
  cache
    .command('stats')
    .description(
      "Each namespace's figures summed over every process for the window: reads, L1 and L2 hit rates (L2's of the reads L1 missed), mean loader latency, L1 evictions, reads finding their entry expired, stampede waits (reads that waited for another's load), values too large to cache, the L1 bound and the TTL factor WowCache set; then its last tuning changes with their reasons",
    )
    .option('--window <minutes>', 'the minutes of figures, 1 to 10080', '60')
    .option('--namespace <id>', 'one namespace (an agent id) only')
    .option('--json', 'print { since, windowMinutes, namespaces, changes } as JSON')
    .addHelpText('after', `${exitHelp}\n\nExamples:\n  wow cache stats\n  wow cache stats --namespace wowsearch --json`)
    .action(async (opts: { window: string; namespace?: string; json?: boolean }) => {
      const { cacheStatsRequest, readCacheStats } = await import('../../agents/wowcache/src/index.ts');
      const parsed = cacheStatsRequest.safeParse({ windowMinutes: Number(opts.window), namespace: opts.namespace });
      if (!parsed.success)
        throw createError('WOW_ERR_CLI_USAGE', {
          problem: parsed.error.issues
            .map((i) => `${i.path[0] === 'windowMinutes' ? '--window' : '--namespace'}: ${i.message}`)
            .join('; '),
        });
      const { createLogger, loadConfig, migrate, openStore } = await import('#platform');
      const log = createLogger('silent');
      const store = await openStore(loadConfig(io.env), log);
      let stats: CacheStats;
      try {
        // A fresh embedded database has no tables yet.
        await migrate(store, { log });
        stats = await readCacheStats(store, parsed.data, new Date());
      } finally {
        await store.close();
      }
      io.stdout.write(opts.json === true ? `${JSON.stringify(stats, null, 2)}\n` : statsSummary(stats));
      setCode(exitCodes.ok);
    });
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function statsSummary(s: CacheStats): string {
  const rows = s.namespaces.map((n) => [
    n.namespace,
    String(n.reads),
    pct(n.l1HitRate),
    pct(n.l2HitRate),
    pct(n.hitRate),
    n.loadMsMean === null ? '-' : n.loadMsMean.toFixed(1),
    String(n.evictions),
    String(n.expired),
    String(n.stampedeWaits),
    String(n.oversize),
    `${n.l1EntriesMax}/${n.l1Bound}`,
    n.tuning === null ? '1 (default)' : String(n.tuning.ttlFactor),
  ]);
  const table = formatTable(
    [
      'NAMESPACE',
      'READS',
      'L1 HIT',
      'L2 HIT',
      'HIT',
      'LOAD MS',
      'EVICTED',
      'EXPIRED',
      'WAITS',
      'OVERSIZE',
      'L1 USED/BOUND',
      'TTL ×',
    ],
    rows,
    `No cache reads since ${s.since} (the last ${s.windowMinutes} minutes).`,
  );
  const changes =
    s.changes.length === 0
      ? 'WowCache has changed no tuning yet.\n'
      : `Last tuning changes:\n${s.changes
          .map((c) => `  ${c.at}  ${c.namespace}  ${c.setting} ${c.from} → ${c.to}: ${c.reason}\n`)
          .join('')}`;
  return `${table}\n${changes}`;
}
