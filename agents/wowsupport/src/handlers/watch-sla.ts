import type { AgentContext } from '#platform';
import { sweepSla } from '#domains/support';
import { runEvery } from './run-every.ts';

/** What the sweep needs of the agent's context, no more: tests pass these three. */
type SweepContext = Pick<AgentContext, 'store' | 'clock' | 'log'>;

/**
 * Sweeps the desk's SLA clocks each `everyMs`, one sweep at a time in this process. Every
 * runtime hosting WowSupport sweeps, and the row locks make each breach and near breach
 * published once between them. Returns the stop.
 */
export function watchSla(ctx: SweepContext, everyMs: number): () => Promise<void> {
  return runEvery(
    everyMs,
    async () => {
      const { breached, nearBreach } = await sweepSla(ctx.store, ctx.clock());
      if (breached.length + nearBreach.length > 0)
        ctx.log.info({ breached: breached.length, nearBreach: nearBreach.length }, 'SLA sweep');
    },
    ctx.log,
    'could not sweep the SLA clocks; trying again on the next sweep',
  );
}
