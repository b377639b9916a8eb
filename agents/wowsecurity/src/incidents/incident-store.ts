import { randomUUID } from 'node:crypto';
import { readSql, type PgQueryable, type SecurityViolationData } from '#platform';

const sql = {
  open: readSql(import.meta.url, 'open-incident'),
  insertViolation: readSql(import.meta.url, 'insert-violation'),
  join: readSql(import.meta.url, 'join-incident'),
  closeQuiet: readSql(import.meta.url, 'close-quiet-incidents'),
  claimComment: readSql(import.meta.url, 'claim-incident-comment'),
};

/** A burst of one offender's violations: open until a quiet period passes without one. */
export interface Incident {
  id: string;
  /** The agent the violations are proven to be of, else the door that refused them. */
  offender: string;
  agentId: string | null;
  openedAt: Date;
  lastAt: Date;
  violations: number;
  issueNumber: number | null;
  suspendedAt: Date | null;
}

type IncidentRow = {
  id: string;
  offender: string;
  agent_id: string | null;
  opened_at: Date | string;
  last_at: Date | string;
  violations: number;
  issue_number: number | null;
  suspended_at: Date | string | null;
};

const incidentOf = (r: IncidentRow): Incident => ({
  id: r.id,
  offender: r.offender,
  agentId: r.agent_id,
  openedAt: new Date(r.opened_at),
  lastAt: new Date(r.last_at),
  violations: r.violations,
  issueNumber: r.issue_number,
  suspendedAt: r.suspended_at === null ? null : new Date(r.suspended_at),
});

/** Whom a violation counts against: its agent when proven, else the door that refused it. */
export const offenderOf = (v: Pick<SecurityViolationData, 'agent' | 'source'>): string => v.agent ?? v.source;

/**
 * What keeping one violation did to its offender's bursts, by id: it is the result `ctx.once`
 * keeps as JSON and hands a redelivery.
 */
export interface Recorded {
  incidentId: string;
  /** True when this violation began the burst. */
  opened: boolean;
  /** The offender's previous burst, ended now because it had gone quiet (the schedule had not closed it yet). */
  endedId: string | undefined;
}

const columns = 'id, offender, agent_id, opened_at, last_at, violations, issue_number, suspended_at';

export async function incidentById(db: PgQueryable, id: string): Promise<Incident | undefined> {
  const { rows } = await db.query<IncidentRow>(`select ${columns} from security_incidents where id = $1`, [id]);
  return rows[0] === undefined ? undefined : incidentOf(rows[0]);
}

/**
 * Keeps a violation in its offender's open burst, in the caller's transaction: a burst
 * quiet for `quietSeconds` ends first, and a violation with none open begins one.
 */
export async function recordViolation(
  tx: PgQueryable,
  input: { eventId: string; violation: SecurityViolationData; at: Date; quietSeconds: number },
): Promise<Recorded> {
  const { violation, at } = input;
  const offender = offenderOf(violation);
  const quietSince = new Date(at.getTime() - input.quietSeconds * 1000);
  const { rows: ended } = await tx.query<IncidentRow>(sql.closeQuiet, [at, quietSince, offender]);
  const { rows: open } = await tx.query<IncidentRow>(sql.open, [randomUUID(), offender, violation.agent ?? null, at]);
  const [current] = open as [IncidentRow];
  await tx.query(sql.insertViolation, [
    input.eventId,
    current.id,
    violation.agent ?? null,
    violation.kind,
    violation.source,
    violation.reason,
    JSON.stringify(violation.sample),
    at,
  ]);
  const { rows: joined } = await tx.query<IncidentRow>(sql.join, [current.id, at]);
  return { incidentId: current.id, opened: (joined[0] ?? current).violations === 1, endedId: ended[0]?.id };
}

/**
 * Forgets violations older than `before` whose burst has ended (an open burst keeps every
 * one it counted); the bursts themselves, with their counts and issues, stay.
 */
export async function pruneViolations(db: PgQueryable, before: Date): Promise<number> {
  const { rowCount } = await db.query(
    `delete from security_violations v using security_incidents i
     where v.incident_id = i.id and i.closed_at is not null and v.at < $1`,
    [before],
  );
  return rowCount ?? 0;
}

/** The agent's violations since `since`, across bursts. */
export async function violationsSince(db: PgQueryable, agentId: string, since: Date): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'select count(*)::int as n from security_violations where agent_id = $1 and at > $2',
    [agentId, since],
  );
  return rows[0]?.n ?? 0;
}

/** Ends every burst quiet since `quietSince`; each is returned once, to the caller that ended it. */
export async function closeQuietIncidents(db: PgQueryable, now: Date, quietSince: Date): Promise<Incident[]> {
  return (await db.query<IncidentRow>(sql.closeQuiet, [now, quietSince, null])).rows.map(incidentOf);
}

/** The burst's issue number when a comment on it is due (none in the last minute). */
export async function claimIncidentComment(
  db: PgQueryable,
  incidentId: string,
  now: Date,
): Promise<number | undefined> {
  const { rows } = await db.query<{ issue_number: number }>(sql.claimComment, [incidentId, now]);
  return rows[0]?.issue_number;
}

/**
 * Claims closing the ended burst's issue, once across runtimes and redeliveries: its issue
 * number, or undefined when there is none or another has claimed it.
 */
export async function claimIssueClosing(db: PgQueryable, incidentId: string, now: Date): Promise<number | undefined> {
  const { rows } = await db.query<{ issue_number: number }>(
    `update security_incidents set issue_closed_at = $2
     where id = $1 and closed_at is not null and issue_number is not null and issue_closed_at is null
     returning issue_number`,
    [incidentId, now],
  );
  return rows[0]?.issue_number;
}

/** Gives the claim back when GitHub could not be told, so the next look tries again. */
export async function releaseIssueClosing(db: PgQueryable, incidentId: string): Promise<void> {
  await db.query('update security_incidents set issue_closed_at = null where id = $1', [incidentId]);
}

export async function setIncidentIssue(db: PgQueryable, incidentId: string, issueNumber: number): Promise<void> {
  await db.query('update security_incidents set issue_number = $2 where id = $1', [incidentId, issueNumber]);
}

export async function markIncidentSuspended(db: PgQueryable, incidentId: string, at: Date): Promise<void> {
  await db.query('update security_incidents set suspended_at = $2 where id = $1 and suspended_at is null', [
    incidentId,
    at,
  ]);
}
