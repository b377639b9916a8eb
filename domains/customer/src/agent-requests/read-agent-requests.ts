import { readSql, type PgQueryable } from '#platform';
import { agentRequestView, type AgentRequestRow, type AgentRequestView } from './agent-request-view.ts';

const sql = {
  list: readSql(import.meta.url, 'select-requests'),
  issue: readSql(import.meta.url, 'record-issue'),
};

/** The organisation's requests for custom agents, newest first (at most `limit`). */
export async function listAgentRequests(
  db: PgQueryable,
  organisationId: string,
  limit = 50,
): Promise<AgentRequestView[]> {
  const rows = await db.query<AgentRequestRow>(sql.list, [organisationId, Math.min(Math.max(limit, 1), 100)]);
  return rows.rows.map(agentRequestView);
}

/**
 * factory.custom_request.opened, recorded: the request now links to its questionnaire
 * issue. Only a request still waiting moves, so a redelivered event changes nothing.
 */
export async function recordRequestIssue(
  db: PgQueryable,
  opened: { requestId: string; issue: number; url: string },
  now: Date,
): Promise<boolean> {
  const updated = await db.query(sql.issue, [opened.requestId, opened.issue, opened.url, now]);
  return (updated.rowCount ?? 0) > 0;
}
