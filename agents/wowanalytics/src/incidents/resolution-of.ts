import type { PgQueryable } from '#platform';
import type { Incident } from './incident-store.ts';

/**
 * What a resolved incident's event tells WowNotification: the fix, when a playbook's remedy
 * ran for it (WowSupport's support_playbook_runs) and the agent then recovered, and the
 * customers (their slugs) whose integrations use the agent, whose work it handled meanwhile.
 */
export async function resolutionOf(
  db: PgQueryable,
  incident: Pick<Incident, 'id' | 'agentId'>,
): Promise<{ fix?: { summary: string; playbook: string }; customers: string[] }> {
  const { rows: runs } = await db.query<{ playbook: string; summary: string | null }>(
    `select playbook, summary from support_playbook_runs where incident_id = $1 and state = 'applied'`,
    [incident.id],
  );
  const { rows: customers } = await db.query<{ slug: string }>(
    `select c.slug from support_customer_agents a join support_customers c on c.id = a.customer_id
     where a.agent_id = $1 order by c.slug limit 10000`,
    [incident.agentId],
  );
  const run = runs[0];
  return {
    ...(run === undefined || run.summary === null
      ? {}
      : { fix: { summary: run.summary.slice(0, 500), playbook: run.playbook.slice(0, 100) } }),
    customers: customers.map((c) => c.slug.slice(0, 100)),
  };
}
