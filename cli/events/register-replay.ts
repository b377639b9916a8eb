import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Bus, Config, Logger, MessageGuard, Store } from '#platform';
import type { ReplayReport } from '../../agents/wowevent/src/index.ts';
import { exitCodes, type CliIo } from '../cli-io.ts';
import { createError } from '../errors.ts';
import { formatTable } from '../format-table.ts';
import { assertPattern, parseTime, withArchive } from './open-archive.ts';

interface ReplayFlags {
  type: string;
  since: string;
  until?: string;
  to: string;
  limit?: string;
  dryRun?: boolean;
  json?: boolean;
}

/**
 * The Redis bus with the platform's message guard, as a dead letter's redrive opens it:
 * what is sent again is signed again as its sender, and the target group readmits its id.
 */
async function withSendingBus<T>(
  config: Config,
  store: Store,
  log: Logger,
  work: (bus: Bus, guard: MessageGuard | undefined) => Promise<T>,
): Promise<T> {
  const { createIdentity, openBus, openMessageGuard } = await import('#platform');
  const signing =
    config.bus.signing === 'off'
      ? undefined
      : await openMessageGuard(config, await createIdentity({ settings: config.identity, store, log }));
  try {
    const bus = await openBus(config, log, undefined, signing?.guard);
    try {
      return await work(bus, signing?.guard);
    } finally {
      await bus.close();
    }
  } finally {
    await signing?.close();
  }
}

function summary(r: ReplayReport): string {
  const head = r.dryRun
    ? `dry run, nothing sent: ${r.sent.length} event(s) would be sent again to ${r.to}, ${r.skipped.length} skipped\n`
    : `✔ sent ${r.sent.length} event(s) again to ${r.to} only, ${r.skipped.length} skipped\n`;
  const rows = [
    ...r.sent.map((e) => [r.dryRun ? 'would send' : 'sent', e.time, e.type, e.source, e.id, '']),
    ...r.skipped.map((e) => ['skipped', e.time, e.type, e.source, e.id, e.reason]),
  ];
  return rows.length === 0 ? head : head + formatTable(['', 'TIME', 'TYPE', 'SOURCE', 'ID', 'WHY NOT'], rows, '');
}

/** `wow events replay`: archived events sent again to one agent's consumer group. */
export function registerReplay(events: Command, io: CliIo, setCode: (code: number) => void): void {
  events
    .command('replay')
    .description(
      "Send archived events again to one agent only (its consumer group, as a dead letter's redrive does): the others, and the archive, skip them. Each goes out as its sender signed it, signed afresh with that sender's key; a copy archived truncated, or sent by an agent now suspended or revoked, is skipped and listed. The agent's effects stay idempotent through ctx.once: an event it handled has no second effect, one it never saw runs its handler. Sending needs the Redis bus (REDIS_URL); --dry-run reads only the archive.",
    )
    .requiredOption('--type <pattern>', 'an event type, a prefix ending in ".*" or "*"')
    .requiredOption('--since <time>', 'from this time: ISO 8601, or a span back from now (30m, 2h, 7d)')
    .option('--until <time>', 'up to this time (same forms); default now')
    .requiredOption('--to <agent>', 'the agent whose consumer group gets them, e.g. wowsupport')
    .option('--limit <n>', 'at most this many events, oldest first (default and ceiling 10000)')
    .option('--dry-run', 'list what would be sent; send nothing')
    .option('--json', 'print the report as JSON: { to, dryRun, sent: [...], skipped: [{ ..., reason }] }')
    .addHelpText(
      'after',
      "\nExit codes: 0 done (events skipped are listed, not failures), 1 the bus or the database failed, 2 bad usage or configuration.\n\nExamples:\n  wow events replay --type 'support.ticket.*' --since 2h --to wowsupport --dry-run\n  wow events replay --type github.pull_request.opened --since 2026-12-05T08:00:00Z --to wowvision --json",
    )
    .action(async (flags: ReplayFlags) => {
      const now = new Date();
      await assertPattern(flags.type);
      const since = parseTime('--since', flags.since, now);
      const until = flags.until === undefined ? undefined : parseTime('--until', flags.until, now);
      const limit = flags.limit === undefined ? undefined : Number(flags.limit);
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 10_000))
        throw createError('WOW_ERR_CLI_USAGE', {
          problem: `--limit must be a whole number from 1 to 10000, got "${flags.limit}"`,
        });
      const { haltedAgents, loadManifests } = await import('#platform');
      const { replayEvents } = await import('../../agents/wowevent/src/index.ts');
      const report = await withArchive(io, async (store, config, log) => {
        const manifests = await loadManifests(resolve(config.agents.dir));
        const target = manifests.find((m) => m.manifest.id === flags.to)?.manifest;
        if (target === undefined)
          throw createError('WOW_ERR_CLI_USAGE', {
            problem: `no agent "${flags.to.slice(0, 60)}" in ${resolve(config.agents.dir)} (AGENTS_DIR); the agents are ${manifests.map((m) => m.manifest.id).join(', ') || 'none'}`,
          });
        if (flags.dryRun !== true && config.redis.url === undefined)
          throw createError('WOW_ERR_CLI_USAGE', {
            problem:
              'sending needs the Redis bus, and REDIS_URL is not set: the in-process bus lives inside the running `wow start`. Set REDIS_URL, or list what would be sent with --dry-run.',
          });
        const halted = new Set((await haltedAgents(store)).keys());
        const replay = (bus: Pick<Bus, 'publish'>, guard: MessageGuard | undefined) =>
          replayEvents({
            db: store,
            bus,
            guard,
            to: target.id,
            wakesOn: target.wakesOn,
            type: flags.type,
            since,
            until,
            limit,
            halted,
            dryRun: flags.dryRun === true,
          });
        if (flags.dryRun === true)
          return replay({ publish: () => Promise.reject(new Error('a dry run sends nothing')) }, undefined);
        return withSendingBus(config, store, log, replay);
      });
      io.stdout.write(flags.json === true ? `${JSON.stringify(report, null, 2)}\n` : summary(report));
      setCode(exitCodes.ok);
    });
}
