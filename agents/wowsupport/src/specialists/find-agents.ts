import { readSql, type AgentCache, type AgentRow, type PgQueryable } from '#platform';
import { customerAgentsTag } from '../../../wowanalytics/src/index.ts';

const sql = { customerAgents: readSql(import.meta.url, 'select-customer-agents') };

// A customer's agents change when an operator records them (`wow support customers uses`), which drops the tag.
const customerAgentsTtlSeconds = 300;

/**
 * The agents the customer's integration uses, as recorded for incident notices. L2 reads
 * them several times for each ticket it routes, and for every ticket of the customer: they
 * come from the agent's cache (frozen), tagged so that recording another drops them everywhere.
 */
export async function customerAgents(
  cache: Pick<AgentCache, 'getOrSet'>,
  db: PgQueryable,
  customerId: string | null,
): Promise<readonly string[]> {
  if (customerId === null) return [];
  return cache.getOrSet(
    `customer-agents:${customerId}`,
    { ttl: customerAgentsTtlSeconds, tags: [customerAgentsTag(customerId)] },
    async () => (await db.query<{ agent_id: string }>(sql.customerAgents, [customerId])).rows.map((r) => r.agent_id),
  );
}

/**
 * The agents a ticket concerns: those named in its text (by id or name, as whole words),
 * else those the customer's integration uses.
 */
export function agentsConcerned(text: string, registry: readonly AgentRow[], used: readonly string[]): AgentRow[] {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const named = registry.filter((a) =>
    new RegExp(`(?<![\\w-])(?:${escape(a.id)}|${escape(a.name)})(?![\\w-])`, 'i').test(text),
  );
  return named.length > 0 ? named : registry.filter((a) => used.includes(a.id));
}
