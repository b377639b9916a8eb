// WowNotification: Tells customers and the team what happens on a ticket: delivers the desk's answers and keeps each ticket in step with its GitHub issue.
import { defineAgent, type HandlerContext } from '#platform';

/**
 * Once per event, even when the bus delivers it twice: the event is marked handled in the
 * same transaction as the agent's own rows, and what it announces goes out through the
 * outbox in that transaction, so it leaves exactly when the rows are kept.
 */
async function record(ctx: HandlerContext<unknown, undefined>): Promise<{ did: string; type: string }> {
  const { event } = ctx;
  return ctx.once(event.id, async (tx) => {
    await ctx.emit(
      { type: 'support.message.delivered', subject: event.subject, data: { cause: event.id, causeType: event.type } },
      { tx },
    );
    await ctx.emit(
      { type: 'support.sync.paused', subject: event.subject, data: { cause: event.id, causeType: event.type } },
      { tx },
    );
    await ctx.emit(
      { type: 'support.ticket.rerouted', subject: event.subject, data: { cause: event.id, causeType: event.type } },
      { tx },
    );
    return { did: 'handled', type: event.type };
  });
}

export default defineAgent({
  on: {
    'support.ticket.*': { handle: record },
    'support.message.received': { handle: record },
    'support.message.outbound': { handle: record },
    'github.issue_comment.created': { handle: record },
    'github.issues.closed': { handle: record },
    'github.issues.reopened': { handle: record },
    'github.issues.labeled': { handle: record },
  },
});
