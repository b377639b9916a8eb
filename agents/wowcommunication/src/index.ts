// WowCommunication: Keeps the map of which agent asks what of which other, and watches every runtime's request circuits.
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
      'insert into communication_circuits (event_id, event_type, subject, data) values ($1, $2, $3, $4) on conflict (event_id) do nothing',
      [event.id, event.type, event.subject ?? null, JSON.stringify(event.data ?? null)],
    );
    return { did: 'handled', type: event.type };
  });
}

export default defineAgent({
  on: {
    'communication.protocols.map': { handle: record },
    'communication.circuit.changed': { handle: record },
  },
});
