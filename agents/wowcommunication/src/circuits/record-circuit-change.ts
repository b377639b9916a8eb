import { z } from 'zod';
import type { HandlerContext } from '#platform';

/** communication.circuit.changed, as runtimes publish it (platform/agent/create-agent-host.ts); bounded, it may come from anyone on the bus. */
export const circuitChange = z.object({
  type: z
    .string()
    .regex(/^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)+$/)
    .max(200),
  state: z.enum(['closed', 'open', 'half_open']),
  reason: z
    .string()
    .regex(/^WOW_ERR_[A-Z0-9_]+$/)
    .max(80)
    .optional(),
  instance: z.string().min(1).max(200),
  at: z.iso.datetime(),
});

/**
 * Keeps each runtime's last word on each circuit. Changes can arrive out of order (retries,
 * several consumers), so an older change never overwrites a newer one; an opening is counted
 * once per event, however often it is delivered.
 */
export async function recordCircuitChange(
  ctx: HandlerContext<unknown, unknown>,
  change: z.output<typeof circuitChange>,
): Promise<void> {
  await ctx.once(`circuit:${ctx.event.id}`, async (tx) => {
    await tx.query(
      `insert into communication_circuits (instance, type, state, reason, changed_at, openings)
       values ($1, $2, $3, $4, $5, case when $3 = 'open' then 1 else 0 end)
       on conflict (instance, type) do update set
         state = case when excluded.changed_at >= communication_circuits.changed_at then excluded.state else communication_circuits.state end,
         reason = case when excluded.changed_at >= communication_circuits.changed_at then excluded.reason else communication_circuits.reason end,
         changed_at = greatest(excluded.changed_at, communication_circuits.changed_at),
         openings = communication_circuits.openings + excluded.openings`,
      [change.instance, change.type, change.state, change.reason ?? null, change.at],
    );
  });
}
