import { writeMarkedComment, writeMarkedIssue, type PgQueryable } from '#platform';
import type { IncidentGitHub } from './playbook-audit.ts';
import type { Trouble } from './run-playbook.ts';

const marker = (incidentId: string) => `<!-- wow-desk:error=${incidentId} -->`;

// What the platform put in the event is bounded and one line each; it still lands in
// Markdown, so each value is shown as code, its backticks and pipes made harmless.
const asCode = (text: string) => `\`${text.replace(/[`|]/g, "'")}\``;

function errorBody(trouble: Trouble): string {
  const sample = Object.entries((trouble.figures ?? {}) as Record<string, string>)
    .slice(0, 4)
    .map(([key, value]) => `| ${asCode(key)} | ${asCode(value)} |`);
  return [
    `**${trouble.agent}** gave up on ${trouble.eventType === undefined ? 'a message' : `a ${asCode(trouble.eventType)} message`} ` +
      `with ${asCode(trouble.code ?? 'an error')}, which a playbook of WowSupport takes on.`,
    '',
    '| | |',
    '|---|---|',
    ...sample,
    '',
    "WowSupport records each step of its playbook here and closes this issue once the remedy's outcome shows the cause gone.",
  ].join('\n');
}

/**
 * The issue of an error no incident covers (a dead letter), opened once: the row is claimed
 * first, and the claimant opens the issue (found again by its marker if a cut-off attempt
 * opened it) and keeps its number, which the run's steps are then written on. While an
 * issue for the same agent and code is open, a later error of the kind is written on that
 * one: a burst of dead letters from one cause is one issue, not one each.
 */
export async function openErrorIssue(
  db: PgQueryable,
  github: NonNullable<IncidentGitHub>,
  trouble: Trouble,
  now: Date,
): Promise<number | undefined> {
  const { rowCount } = await db.query(
    `insert into support_error_issues (incident_id, agent_id, code, claimed_at) values ($1, $2, $3, $4)
     on conflict (incident_id) do nothing`,
    [trouble.incidentId, trouble.agent, trouble.code ?? '', now],
  );
  if (rowCount !== 1) {
    const { rows } = await db.query<{ issue_number: number | null }>(
      'select issue_number from support_error_issues where incident_id = $1',
      [trouble.incidentId],
    );
    return rows[0]?.issue_number ?? undefined;
  }
  const { rows: open } = await db.query<{ issue_number: number }>(
    `select issue_number from support_error_issues
     where agent_id = $1 and code = $2 and closed_at is null and issue_number is not null and incident_id <> $3
     order by claimed_at limit 1`,
    [trouble.agent, trouble.code ?? '', trouble.incidentId],
  );
  const shared = open[0]?.issue_number;
  if (shared !== undefined) {
    await db.query('update support_error_issues set issue_number = $2 where incident_id = $1', [
      trouble.incidentId,
      shared,
    ]);
    return shared;
  }
  const written = await writeMarkedIssue(github, marker(trouble.incidentId), {
    title: `Error: ${trouble.agent} failed with ${trouble.code ?? 'an error'}`,
    body: errorBody(trouble),
    labels: ['incident', `agent:${trouble.agent}`],
  });
  await db.query('update support_error_issues set issue_number = $2 where incident_id = $1', [
    trouble.incidentId,
    written.number,
  ]);
  return written.number;
}

/** Whether the run has an error's issue not yet closed (an incident's run has none). */
export async function errorIssueOpen(db: PgQueryable, incidentId: string): Promise<boolean> {
  const { rows } = await db.query('select 1 from support_error_issues where incident_id = $1 and closed_at is null', [
    incidentId,
  ]);
  return rows.length > 0;
}

/**
 * Closes the error's issue with the last word on it, once (the errors sharing it with it);
 * an incident of WowAnalytics' is not this module's to close.
 */
export async function closeErrorIssue(
  db: PgQueryable,
  github: IncidentGitHub,
  incidentId: string,
  text: string,
  now: Date,
): Promise<void> {
  const { rows } = await db.query<{ issue_number: number | null }>(
    'update support_error_issues set closed_at = coalesce(closed_at, $2) where incident_id = $1 returning issue_number',
    [incidentId, now],
  );
  const issue = rows[0]?.issue_number ?? null;
  // The cause is gone for every error written on the same issue: it closes for them all.
  if (issue !== null)
    await db.query('update support_error_issues set closed_at = $2 where issue_number = $1 and closed_at is null', [
      issue,
      now,
    ]);
  if (github === undefined || issue === null) return;
  const on = { client: github.client, owner: github.owner, repo: github.repo, issue };
  await writeMarkedComment(on, `<!-- wow-playbook:${incidentId}:closed -->`, text);
  await github.client.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
    owner: github.owner,
    repo: github.repo,
    issue_number: issue,
    state: 'closed',
    state_reason: 'completed',
  });
}
