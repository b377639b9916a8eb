/** A request's row as the store returns it. */
export type AgentRequestRow = {
  id: string;
  name: string;
  purpose: string;
  industry: string | null;
  task: { title: string; input: string; output: string; minutesSaved: number };
  status: 'requested' | 'issue-opened';
  issue_number: number | null;
  issue_url: string | null;
  created_at: Date;
};

/** A request for a custom agent as the API and the page show it. */
export interface AgentRequestView {
  id: string;
  name: string;
  purpose: string;
  industry: string | null;
  task: AgentRequestRow['task'];
  /** requested: waiting for its questionnaire issue; issue-opened: people review it there. */
  status: AgentRequestRow['status'];
  issue: { number: number; url: string } | null;
  createdAt: string;
}

export function agentRequestView(row: AgentRequestRow): AgentRequestView {
  return {
    id: row.id,
    name: row.name,
    purpose: row.purpose,
    industry: row.industry,
    task: row.task,
    status: row.status,
    issue:
      row.issue_number === null || row.issue_url === null ? null : { number: row.issue_number, url: row.issue_url },
    createdAt: row.created_at.toISOString(),
  };
}
