import { writeMarkedComment, type GitHubClient, type PgQueryable } from '#platform';

export type RunState =
  'diagnosing' | 'applied' | 'waiting' | 'no_remedy' | 'failed' | 'recovered' | 'undone' | 'escalated';

export interface PlaybookRun {
  incidentId: string;
  agentId: string;
  playbook: string;
  remedy: string | null;
  risk: 'low' | 'high' | null;
  state: RunState;
  summary: string | null;
  diagnosis: Record<string, unknown>;
  result: unknown;
  approvedBy: string | null;
  appliedAt: Date | null;
}

/** The support repository's client, where incidents' issues are; undefined: steps are kept in the table only. */
export type IncidentGitHub = { client: GitHubClient; owner: string; repo: string } | undefined;

// A step's detail is what an agent replied: bounded, so one large reply cannot swell the audit table or the issue.
const bounded = (detail: unknown): unknown => {
  const text = JSON.stringify(detail) ?? 'null';
  return text.length <= 4000 ? detail : { truncated: text.slice(0, 4000) };
};

/** Claims the incident's run: false when another delivery (or runtime) took it first. */
export async function claimRun(
  db: PgQueryable,
  incidentId: string,
  agentId: string,
  playbook: string,
  now: Date,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `insert into support_playbook_runs (incident_id, agent_id, playbook, state, started_at, updated_at)
     values ($1, $2, $3, 'diagnosing', $4, $4) on conflict (incident_id) do nothing`,
    [incidentId, agentId, playbook, now],
  );
  return rowCount === 1;
}

export async function updateRun(
  db: PgQueryable,
  incidentId: string,
  change: Partial<Pick<PlaybookRun, 'playbook' | 'remedy' | 'risk' | 'state' | 'summary' | 'diagnosis' | 'result'>> & {
    approvedBy?: string;
    /** The remedy ran now, to be judged over this many windows. */
    verifyWindows?: number;
  },
  now: Date,
): Promise<void> {
  await db.query(
    `update support_playbook_runs set
       remedy = coalesce($2, remedy), risk = coalesce($3, risk), state = coalesce($4, state), summary = coalesce($5, summary),
       diagnosis = coalesce($6, diagnosis), result = coalesce($7, result), approved_by = coalesce($8, approved_by), updated_at = $9,
       applied_at = case when $10::int is null then applied_at else $9 end, verify_windows = coalesce($10::int, verify_windows),
       playbook = coalesce($11, playbook)
     where incident_id = $1`,
    [
      incidentId,
      change.remedy ?? null,
      change.risk ?? null,
      change.state ?? null,
      change.summary ?? null,
      change.diagnosis === undefined ? null : JSON.stringify(bounded(change.diagnosis)),
      change.result === undefined ? null : JSON.stringify(bounded(change.result)),
      change.approvedBy ?? null,
      now,
      change.verifyWindows ?? null,
      change.playbook ?? null,
    ],
  );
}

export async function readRun(db: PgQueryable, incidentId: string): Promise<PlaybookRun | undefined> {
  const { rows } = await db.query<{
    incident_id: string;
    agent_id: string;
    playbook: string;
    remedy: string | null;
    risk: 'low' | 'high' | null;
    state: RunState;
    summary: string | null;
    diagnosis: Record<string, unknown>;
    result: unknown;
    approved_by: string | null;
    applied_at: Date | null;
  }>('select * from support_playbook_runs where incident_id = $1', [incidentId]);
  const r = rows[0];
  return r === undefined
    ? undefined
    : {
        incidentId: r.incident_id,
        agentId: r.agent_id,
        playbook: r.playbook,
        remedy: r.remedy,
        risk: r.risk,
        state: r.state,
        summary: r.summary,
        diagnosis: r.diagnosis,
        result: r.result,
        approvedBy: r.approved_by,
        appliedAt: r.applied_at === null ? null : new Date(r.applied_at),
      };
}

/** The incident's issue, when WowAnalytics has made it yet; an error's, when WowSupport opened one for it (error-issue.ts). */
export async function incidentIssue(db: PgQueryable, incidentId: string): Promise<number | undefined> {
  const { rows } = await db.query<{ issue_number: number | null }>(
    `select coalesce((select issue_number from support_incidents where id = $1),
       (select issue_number from support_error_issues where incident_id = $1)) as issue_number`,
    [incidentId],
  );
  return rows[0]?.issue_number ?? undefined;
}

/**
 * One step in the audit table and, when the incident has its issue, as a comment there
 * (marked, so a redelivery edits rather than repeats it).
 */
export async function recordStep(
  db: PgQueryable,
  github: IncidentGitHub,
  incidentId: string,
  step: string,
  text: string,
  detail: unknown,
  now: Date,
): Promise<void> {
  await db.query('insert into support_playbook_steps (incident_id, step, detail, at) values ($1, $2, $3, $4)', [
    incidentId,
    step,
    JSON.stringify({ text, detail: bounded(detail) }),
    now,
  ]);
  if (github === undefined) return;
  const issue = await incidentIssue(db, incidentId);
  if (issue === undefined) return;
  await writeMarkedComment(
    { client: github.client, owner: github.owner, repo: github.repo, issue },
    `<!-- wow-playbook:${incidentId}:${step} -->`,
    text,
  );
}

export async function auditTrail(db: PgQueryable, incidentId: string): Promise<{ step: string; text: string }[]> {
  const { rows } = await db.query<{ step: string; detail: { text: string } }>(
    'select step, detail from support_playbook_steps where incident_id = $1 order by id',
    [incidentId],
  );
  return rows.map((r) => ({ step: r.step, text: r.detail.text }));
}
