import { recordDeskMessage, type SupportSettings } from '#domains/support';
import type { EventInput, PgQueryable } from '#platform';
import { self } from '../handlers/answer-ticket.ts';
import { incidentIssue, type IncidentGitHub } from './playbook-audit.ts';

// One incident escalates at most this many tickets: the rest are found by the person on L3 from the issue.
const maxTickets = 50;
export const l3Label = 'tier:L3';

/**
 * The open tickets the incident's agent may be behind, escalated to L3 in `tx` as the desk
 * escalates any ticket: those of customers whose integrations use the agent, opened since
 * the incident was, and not at L3 already. Each gets an internal note and its
 * support.ticket.escalated. Returns their ids.
 */
export async function escalateIncidentTickets(
  tx: PgQueryable,
  incident: { id: string; agentId: string; reason: string },
  emit: (event: Omit<EventInput, 'source'>, opts: { tx: PgQueryable }) => Promise<void>,
): Promise<string[]> {
  const { rows } = await tx.query<{ id: string }>(
    `select t.id from support_tickets t
     join support_customer_agents a on a.customer_id = t.customer_id and a.agent_id = $1
     join support_incidents i on i.id = $2
     where t.tier <> 'L3' and t.status in ('new', 'open', 'pending_customer', 'on_hold') and t.created_at >= i.opened_at
     order by t.created_at limit $3`,
    [incident.agentId, incident.id, maxTickets],
  );
  for (const { id } of rows) {
    await recordDeskMessage(tx, id, {
      direction: 'internal',
      author: self,
      body: `Incident on ${incident.agentId}: ${incident.reason} Escalated to L3.`,
      autoSubmitted: true,
      tier: 'L3',
    });
    await emit(
      {
        type: 'support.ticket.escalated',
        subject: id,
        data: { ticketId: id, tier: 'L3', reason: `incident on ${incident.agentId}: ${incident.reason}`.slice(0, 500) },
      },
      { tx },
    );
  }
  return rows.map((r) => r.id);
}

/** The incident's issue labelled for L3, and the approvers who take it, as mentions. */
export async function labelIncidentForL3(
  github: IncidentGitHub,
  db: PgQueryable,
  incidentId: string,
): Promise<number | undefined> {
  if (github === undefined) return undefined;
  const issue = await incidentIssue(db, incidentId);
  if (issue === undefined) return undefined;
  await github.client.request('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', {
    owner: github.owner,
    repo: github.repo,
    issue_number: issue,
    labels: [l3Label],
  });
  return issue;
}

/** "@ada @acme/support-leads" (SUPPORT_APPROVERS, checked as logins and team slugs by the settings), or a word for nobody named. */
export function mentionApprovers(approvers: SupportSettings['approvers']): string {
  const names = [...approvers.logins, ...approvers.teams.map((t) => `${t.org}/${t.slug}`)].map((n) => `@${n}`);
  return names.length === 0 ? 'An approver (admin or maintain on this repository)' : names.join(' ');
}
