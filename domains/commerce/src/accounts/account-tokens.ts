import { createHash, randomBytes } from 'node:crypto';
import type { PgQueryable } from '#platform';
import { createError } from '../errors.ts';

export type TokenPurpose = 'verify_email' | 'reset_password' | 'invitation';

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** 32 random bytes: what a cookie or a mailed link carries. Only its sha256 is ever stored. */
export const newSecret = (): string => randomBytes(32).toString('base64url');

export interface TokenRow extends Record<string, unknown> {
  token_hash: string;
  purpose: TokenPurpose;
  user_id: string | null;
  organisation_id: string | null;
  email: string | null;
  role: 'owner' | 'member' | null;
  invited_by: string | null;
  expires_at: Date;
  used_at: Date | null;
}

/** A new single-use token for a mailed link; the plaintext is returned once, for the mail. */
export async function issueToken(
  db: PgQueryable,
  token: {
    purpose: TokenPurpose;
    userId?: string | undefined;
    organisationId?: string | undefined;
    email?: string | undefined;
    role?: 'owner' | 'member' | undefined;
    invitedBy?: string | undefined;
  },
  opts: { now: Date; ttlSeconds: number },
): Promise<string> {
  const secret = newSecret();
  await db.query(
    `insert into commerce_tokens (token_hash, purpose, user_id, organisation_id, email, role, invited_by, created_at, expires_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      sha256(secret),
      token.purpose,
      token.userId ?? null,
      token.organisationId ?? null,
      token.email ?? null,
      token.role ?? null,
      token.invitedBy ?? null,
      opts.now,
      new Date(opts.now.getTime() + opts.ttlSeconds * 1000),
    ],
  );
  return secret;
}

const fixes: Record<TokenPurpose, string> = {
  verify_email: 'sign in, and a new verification mail is sent',
  reset_password: 'use "Forgot your password?" on the sign-in page',
  invitation: 'ask an owner of the organisation to invite you again',
};

/**
 * Uses the token once: marked used in the same statement that finds it, so two requests
 * racing with one link cannot both pass. A link that is unknown, used or expired is
 * WOW_ERR_LINK_INVALID saying which, and what to do.
 */
export async function consumeToken(
  db: PgQueryable,
  purpose: TokenPurpose,
  secret: string,
  now: Date,
): Promise<TokenRow> {
  const hash = sha256(secret.slice(0, 200));
  const used = (
    await db.query<TokenRow>(
      `update commerce_tokens set used_at = $3
        where token_hash = $1 and purpose = $2 and used_at is null and expires_at > $3
        returning *`,
      [hash, purpose, now],
    )
  ).rows[0];
  if (used !== undefined) return used;
  throw await invalidLink(db, purpose, secret);
}

/** WOW_ERR_LINK_INVALID for a token that is not live, saying whether it is unknown, used or expired. */
export async function invalidLink(db: PgQueryable, purpose: TokenPurpose, secret: string): Promise<Error> {
  const hash = sha256(secret.slice(0, 200));
  const seen = (
    await db.query<TokenRow>('select * from commerce_tokens where token_hash = $1 and purpose = $2', [hash, purpose])
  ).rows[0];
  const problem =
    seen === undefined
      ? 'is not one we sent (check that it was copied whole)'
      : seen.used_at !== null
        ? 'was used already: each link works once'
        : `expired at ${new Date(seen.expires_at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return createError('WOW_ERR_LINK_INVALID', { problem, fix: fixes[purpose] }, { data: { purpose } });
}

/** Retires a user's unused tokens of one purpose: only the newest mailed link works. */
export async function retireTokens(db: PgQueryable, userId: string, purpose: TokenPurpose, now: Date): Promise<void> {
  await db.query('update commerce_tokens set used_at = $3 where user_id = $1 and purpose = $2 and used_at is null', [
    userId,
    purpose,
    now,
  ]);
}
