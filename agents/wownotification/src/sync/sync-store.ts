import { readSql, type PgQueryable } from '#platform';

const sql = {
  claimIssue: readSql(import.meta.url, 'claim-ticket-issue'),
  selectIssue: readSql(import.meta.url, 'select-ticket-issue'),
  setIssueNumber: readSql(import.meta.url, 'set-issue-number'),
  ticketOfIssue: readSql(import.meta.url, 'select-ticket-of-issue'),
  pause: readSql(import.meta.url, 'pause-ticket-sync'),
  resume: readSql(import.meta.url, 'resume-ticket-sync'),
  selectPause: readSql(import.meta.url, 'select-ticket-pause'),
  lockPause: readSql(import.meta.url, 'lock-ticket-pause'),
  claimLedger: readSql(import.meta.url, 'claim-ledger'),
  selectLedger: readSql(import.meta.url, 'select-ledger'),
  completeLedger: readSql(import.meta.url, 'complete-ledger'),
  failLedger: readSql(import.meta.url, 'fail-ledger'),
  ledgerComment: readSql(import.meta.url, 'select-ledger-comment'),
  recentCrossings: readSql(import.meta.url, 'count-recent-crossings'),
};

export interface TicketIssue {
  owner: string;
  repo: string;
  /** Null while its creation is under way (or was cut off). */
  issueNumber: number | null;
  paused: { at: string; reason: string } | null;
}

/**
 * The ticket's issue row, claimed for `owner/repo` if it had none. `fresh`: this call
 * creates the issue; `retaken`: an earlier creation was cut off and may have made it.
 */
export async function claimTicketIssue(
  db: PgQueryable,
  ticketId: string,
  owner: string,
  repo: string,
): Promise<TicketIssue & { claim: 'fresh' | 'retaken' | 'held' | 'busy' }> {
  const claimed = (await db.query<{ claimed: boolean }>(sql.claimIssue, [ticketId, owner, repo])).rows[0];
  const row = (await ticketIssue(db, ticketId)) as TicketIssue;
  const claim =
    claimed === undefined ? (row.issueNumber === null ? 'busy' : 'held') : claimed.claimed ? 'fresh' : 'retaken';
  return { ...row, claim };
}

export async function ticketIssue(db: PgQueryable, ticketId: string): Promise<TicketIssue | undefined> {
  const row = (
    await db.query<{
      owner: string;
      repo: string;
      issue_number: number | null;
      paused_at: Date | null;
      paused_reason: string | null;
    }>(sql.selectIssue, [ticketId])
  ).rows[0];
  if (row === undefined) return undefined;
  return {
    owner: row.owner,
    repo: row.repo,
    issueNumber: row.issue_number,
    paused:
      row.paused_at === null ? null : { at: new Date(row.paused_at).toISOString(), reason: row.paused_reason ?? '' },
  };
}

export async function setIssueNumber(db: PgQueryable, ticketId: string, issueNumber: number): Promise<void> {
  await db.query(sql.setIssueNumber, [ticketId, issueNumber]);
}

export async function ticketOfIssue(
  db: PgQueryable,
  owner: string,
  repo: string,
  issueNumber: number,
): Promise<string | undefined> {
  return (await db.query<{ ticket_id: string }>(sql.ticketOfIssue, [owner, repo, issueNumber])).rows[0]?.ticket_id;
}

/** Trips the ticket's breaker (in the caller's transaction, after ticketPause with lock); true only for the call that tripped it. */
export async function pauseTicketSync(db: PgQueryable, ticketId: string, reason: string): Promise<boolean> {
  return (await db.query(sql.pause, [ticketId, reason])).rows.length === 1;
}

export async function resumeTicketSync(db: PgQueryable, ticketId: string): Promise<void> {
  await db.query(sql.resume, [ticketId]);
}

/** The ticket's tripped breaker, or null while messages flow. */
export async function ticketPause(
  db: PgQueryable,
  ticketId: string,
  opts: { lock?: boolean } = {},
): Promise<TicketIssue['paused']> {
  const row = (
    await db.query<{ paused_at: Date | null; paused_reason: string | null }>(
      opts.lock === true ? sql.lockPause : sql.selectPause,
      [ticketId],
    )
  ).rows[0];
  return row?.paused_at === null || row?.paused_at === undefined
    ? null
    : { at: new Date(row.paused_at).toISOString(), reason: row.paused_reason ?? '' };
}

export type LedgerEntry =
  /** fresh: nobody tried to post the message; retaken: an attempt was cut off, it may be on GitHub. */
  | { state: 'fresh' | 'retaken' }
  | { state: 'done'; githubCommentId: number | null }
  /** GitHub refused it for good; it is never tried again. */
  | { state: 'failed'; error: string }
  /** Another attempt is posting it right now. */
  | { state: 'busy' };

export async function claimLedger(
  db: PgQueryable,
  messageId: string,
  direction: 'to_github' | 'from_github',
  contentSha256: string,
): Promise<LedgerEntry> {
  const claimed = (await db.query<{ claimed: boolean }>(sql.claimLedger, [messageId, direction, contentSha256]))
    .rows[0];
  if (claimed !== undefined) return { state: claimed.claimed ? 'fresh' : 'retaken' };
  const row = (
    await db.query<{ status: 'pending' | 'done' | 'failed'; github_comment_id: string | null; error: string | null }>(
      sql.selectLedger,
      [messageId],
    )
  ).rows[0];
  if (row?.status === 'done')
    return { state: 'done', githubCommentId: row.github_comment_id === null ? null : Number(row.github_comment_id) };
  if (row?.status === 'failed') return { state: 'failed', error: row.error ?? '' };
  return { state: 'busy' };
}

export async function completeLedger(
  db: PgQueryable,
  messageId: string,
  githubCommentId: number | null,
): Promise<void> {
  await db.query(sql.completeLedger, [messageId, githubCommentId]);
}

/** Marks a message GitHub refused for good, with GitHub's answer, so the sync passes over it from now on. */
export async function failLedger(db: PgQueryable, messageId: string, error: string): Promise<void> {
  await db.query(sql.failLedger, [messageId, error]);
}

/** Whether the desk itself posted this comment. */
export async function isLedgerComment(db: PgQueryable, githubCommentId: number): Promise<boolean> {
  return (await db.query(sql.ledgerComment, [githubCommentId])).rows.length > 0;
}

export async function recentCrossings(db: PgQueryable, ticketId: string, windowMs: number): Promise<number> {
  return (await db.query<{ n: number }>(sql.recentCrossings, [ticketId, windowMs])).rows[0]?.n ?? 0;
}
