// WowMemory: Keeps what agents remember of each customer and of themselves, the memory behind ctx.memory.
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
      'insert into memory_facts (event_id, event_type, subject, data) values ($1, $2, $3, $4) on conflict (event_id) do nothing',
      [event.id, event.type, event.subject ?? null, JSON.stringify(event.data ?? null)],
    );
    await tx.query(
      'insert into memory_messages (event_id, event_type, subject, data) values ($1, $2, $3, $4) on conflict (event_id) do nothing',
      [event.id, event.type, event.subject ?? null, JSON.stringify(event.data ?? null)],
    );
    await tx.query(
      'insert into memory_recall (event_id, event_type, subject, data) values ($1, $2, $3, $4) on conflict (event_id) do nothing',
      [event.id, event.type, event.subject ?? null, JSON.stringify(event.data ?? null)],
    );
    await tx.query(
      'insert into memory_evictions (event_id, event_type, subject, data) values ($1, $2, $3, $4) on conflict (event_id) do nothing',
      [event.id, event.type, event.subject ?? null, JSON.stringify(event.data ?? null)],
    );
    await tx.query(
      'insert into memory_features (event_id, event_type, subject, data) values ($1, $2, $3, $4) on conflict (event_id) do nothing',
      [event.id, event.type, event.subject ?? null, JSON.stringify(event.data ?? null)],
    );
    await tx.query(
      'insert into memory_embeddings (event_id, event_type, subject, data) values ($1, $2, $3, $4) on conflict (event_id) do nothing',
      [event.id, event.type, event.subject ?? null, JSON.stringify(event.data ?? null)],
    );
    return { did: 'handled', type: event.type };
  });
}

export default defineAgent({
  on: {
    'support.ticket.solved': { handle: record },
  },
});
