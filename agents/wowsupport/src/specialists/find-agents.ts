import { readSql, type AgentRow, type PgQueryable } from '#platform';

const sql = { customerAgents: readSql(import.meta.url, 'select-customer-agents') };

/** The agents the customer's integration uses, as recorded for incident notices. */
export async function customerAgents(db: PgQueryable, customerId: string | null): Promise<string[]> {
  if (customerId === null) return [];
  return (await db.query<{ agent_id: string }>(sql.customerAgents, [customerId])).rows.map((r) => r.agent_id);
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
