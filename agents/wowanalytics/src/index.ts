// WowAnalytics: Watches every agent's health against its own baseline and opens an incident when one regresses, before customers notice.
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
      'insert into agent_health_minutes (event_id, event_type, subject, data) values ($1, $2, $3, $4) on conflict (event_id) do nothing',
      [event.id, event.type, event.subject ?? null, JSON.stringify(event.data ?? null)],
    );
    await tx.query(
      'insert into support_incidents (event_id, event_type, subject, data) values ($1, $2, $3, $4) on conflict (event_id) do nothing',
      [event.id, event.type, event.subject ?? null, JSON.stringify(event.data ?? null)],
    );
    await tx.query(
      'insert into support_customer_agents (event_id, event_type, subject, data) values ($1, $2, $3, $4) on conflict (event_id) do nothing',
      [event.id, event.type, event.subject ?? null, JSON.stringify(event.data ?? null)],
    );
    await tx.query(
      'insert into support_incident_notices (event_id, event_type, subject, data) values ($1, $2, $3, $4) on conflict (event_id) do nothing',
      [event.id, event.type, event.subject ?? null, JSON.stringify(event.data ?? null)],
    );
    await ctx.emit(
      { type: 'support.incident.opened', subject: event.subject, data: { cause: event.id, causeType: event.type } },
      { tx },
    );
    await ctx.emit(
      { type: 'support.incident.resolved', subject: event.subject, data: { cause: event.id, causeType: event.type } },
      { tx },
    );
    return { did: 'handled', type: event.type };
  });
}

export default defineAgent({
  on: {
    'support.incident.opened': { handle: record },
    'support.incident.resolved': { handle: record },
  },
});
