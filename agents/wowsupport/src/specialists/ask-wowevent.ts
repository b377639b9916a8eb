import { z } from 'zod';
import { isWowError, type AgentRow, type HandlerContext } from '#platform';

/**
 * What WowEvent's events.history reply carries that the desk relies on, read with the
 * desk's own schema: the bus message is the contract, not WowEvent's code.
 */
const historyReply = z.object({
  events: z.array(z.object({ id: z.string(), type: z.string(), time: z.string(), subject: z.string().nullable() })),
  retentionDays: z.number(),
});
type HistoryReply = z.infer<typeof historyReply>;

/** An agent's latest events as WowEvent's archive holds them, or why they could not be read. */
export type AgentActivity = { agentId: string } & ({ history: HistoryReply } | { unread: string });

/** How many agents' histories one ticket asks for, and how much of each. */
const maxAgents = 3;
const eventsPerAgent = 5;
/** WowEvent answers from one indexed query: a silence means it is busy or gone, and the ticket moves on without. */
const historyTimeoutMs = 5000;

/**
 * What the agents a ticket concerns sent lately, asked of WowEvent (events.history) over the
 * bus: an agent that sent nothing for days, or only failures' aftermath, tells the
 * specialist's people where to look. Asked only when WowEvent runs (the registry says so),
 * never inside a transaction (on the embedded store WowEvent would wait for it), and never
 * holding up the ticket: an agent whose history is not read is noted as such.
 */
export async function recentActivity(
  ctx: Pick<HandlerContext<unknown, unknown>, 'request'>,
  agents: readonly AgentRow[],
  registry: readonly AgentRow[],
): Promise<AgentActivity[]> {
  const concerned = agents.slice(0, maxAgents);
  if (concerned.length === 0) return [];
  const archive = registry.find((a) => a.id === 'wowevent');
  if (archive === undefined || archive.status === 'Offline')
    return concerned.map((a) => ({ agentId: a.id, unread: 'WowEvent, which keeps the archive, is not running' }));
  return Promise.all(
    concerned.map(async (a): Promise<AgentActivity> => {
      try {
        const reply = await ctx.request(
          { type: 'events.history', data: { agent: a.id, limit: eventsPerAgent } },
          { timeoutMs: historyTimeoutMs },
        );
        const parsed = historyReply.safeParse(reply);
        return parsed.success
          ? { agentId: a.id, history: parsed.data }
          : { agentId: a.id, unread: 'WowEvent answered something other than a history' };
      } catch (err) {
        if (isWowError(err, 'WOW_ERR_REQUEST_TIMEOUT') || isWowError(err, 'WOW_ERR_NO_RESPONDER'))
          return { agentId: a.id, unread: `WowEvent did not answer (${err.code})` };
        throw err;
      }
    }),
  );
}

/** One finding per agent for the people on the ticket: its latest events, newest first. */
export function activityFindings(activity: readonly AgentActivity[]): string[] {
  return activity.map((a) => {
    if ('unread' in a) return `${a.agentId}: its recent events were not read: ${a.unread}.`;
    const { events, retentionDays } = a.history;
    if (events.length === 0)
      return `${a.agentId}: sent no event in the ${retentionDays} days WowEvent's archive keeps.`;
    const listed = events.map(
      (e) => `${e.type} at ${e.time}${e.subject === null ? '' : ` (${e.subject.slice(0, 80)})`}`,
    );
    return `${a.agentId}: latest events sent (WowEvent's archive, newest first): ${listed.join('; ')}.`;
  });
}
