// WowDomain: Keeps the domain models and their ubiquitous language, and tells the agents a model change affects.
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
      { type: 'domain.model.changed', subject: event.subject, data: { cause: event.id, causeType: event.type } },
      { tx },
    );
    return { did: 'handled', type: event.type };
  });
}

export default defineAgent({
  on: {
    'github.pull_request.closed': { handle: record },
  },
});
