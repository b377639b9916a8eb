// WowScaling: Recommends each agent's scaling policy from its lag, pending messages and latency; KEDA scales.
import { defineAgent, type HandlerContext } from '#platform';

/**
 * Once per event, even when the bus delivers it twice: the event is marked handled in the
 * same transaction as the agent's own rows, and what it announces goes out through the
 * outbox in that transaction, so it leaves exactly when the rows are kept.
 */
async function record(ctx: HandlerContext<unknown, undefined>): Promise<{ did: string; type: string }> {
  const { event } = ctx;
  return ctx.once(event.id, async (tx) => {
    await tx.query(
      'insert into scaling_samples (event_id, event_type, subject, data) values ($1, $2, $3, $4) on conflict (event_id) do nothing',
      [event.id, event.type, event.subject ?? null, JSON.stringify(event.data ?? null)],
    );
    await tx.query(
      'insert into scaling_recommendations (event_id, event_type, subject, data) values ($1, $2, $3, $4) on conflict (event_id) do nothing',
      [event.id, event.type, event.subject ?? null, JSON.stringify(event.data ?? null)],
    );
    await ctx.emit(
      { type: 'scaling.recommended', subject: event.subject, data: { cause: event.id, causeType: event.type } },
      { tx },
    );
    return { did: 'handled', type: event.type };
  });
}

export default defineAgent({
  on: {
    'scaling.status': { handle: record },
    'scaling.apply': { handle: record },
  },
});
