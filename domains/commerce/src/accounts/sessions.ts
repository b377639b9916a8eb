import type { PgQueryable } from '#platform';
import { newSecret, sha256 } from './account-tokens.ts';

/** Who a session is: a customer (a user) or an operator (a GitHub login). */
export type SessionSubject = { userId: string } | { operatorLogin: string };

export interface Session {
  subject: SessionSubject;
  expiresAt: string;
}

/** A new session; the returned secret goes into the cookie, and only its sha256 is stored. */
export async function createSession(
  db: PgQueryable,
  subject: SessionSubject,
  opts: { now: Date; ttlSeconds: number },
): Promise<{ secret: string; expiresAt: Date }> {
  const secret = newSecret();
  const expiresAt = new Date(opts.now.getTime() + opts.ttlSeconds * 1000);
  // The same person's sessions that ran out go as a new one starts, so the table holds live ones (and a few idle).
  await db.query('delete from commerce_sessions where expires_at <= $1 and (user_id = $2 or operator_login = $3)', [
    opts.now,
    'userId' in subject ? subject.userId : null,
    'operatorLogin' in subject ? subject.operatorLogin : null,
  ]);
  await db.query(
    'insert into commerce_sessions (token_hash, user_id, operator_login, created_at, expires_at) values ($1, $2, $3, $4, $5)',
    [
      sha256(secret),
      'userId' in subject ? subject.userId : null,
      'operatorLogin' in subject ? subject.operatorLogin : null,
      opts.now,
      expiresAt,
    ],
  );
  return { secret, expiresAt };
}

/** The live session a cookie's secret names, or undefined (unknown, ended or expired). */
export async function findSession(db: PgQueryable, secret: string, now: Date): Promise<Session | undefined> {
  if (secret.length > 100) return undefined;
  const row = (
    await db.query<{ user_id: string | null; operator_login: string | null; expires_at: Date }>(
      'select user_id, operator_login, expires_at from commerce_sessions where token_hash = $1 and expires_at > $2',
      [sha256(secret), now],
    )
  ).rows[0];
  if (row === undefined) return undefined;
  const subject: SessionSubject =
    row.user_id !== null ? { userId: row.user_id } : { operatorLogin: row.operator_login ?? '' };
  return { subject, expiresAt: new Date(row.expires_at).toISOString() };
}

/** Ends the session (logging out); ending one that is gone is no error. */
export async function endSession(db: PgQueryable, secret: string): Promise<void> {
  await db.query('delete from commerce_sessions where token_hash = $1', [sha256(secret)]);
}

/** Ends every session of a user (after a password reset), and expired sessions of anyone. */
export async function endUserSessions(db: PgQueryable, userId: string, now: Date): Promise<number> {
  const { rowCount } = await db.query('delete from commerce_sessions where user_id = $1', [userId]);
  await db.query('delete from commerce_sessions where expires_at <= $1', [now]);
  return rowCount ?? 0;
}
