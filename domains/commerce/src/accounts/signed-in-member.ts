import type { PgQueryable } from '#platform';
import type { Membership } from '../organisations/organisations.ts';
import { sha256 } from './account-tokens.ts';
import { toUser, type User, type UserRow } from './users.ts';

/**
 * The person a live session's secret names (not an operator's session), with the
 * organisations they belong to by name, or undefined: what findSession, getUser and
 * organisationsOf say together, in one round trip, because a signed-in page asks it on
 * every view.
 */
export async function signedInMember(
  db: PgQueryable,
  secret: string,
  now: Date,
): Promise<{ user: User; memberships: Membership[] } | undefined> {
  if (secret.length > 100) return undefined;
  const row = (
    await db.query<UserRow & { memberships: Membership[] }>(
      `select u.*, coalesce((
         select json_agg(json_build_object('id', c.id, 'slug', c.slug, 'name', c.name, 'role', m.role) order by c.name, c.slug)
           from commerce_memberships m join support_customers c on c.id = m.organisation_id
          where m.user_id = u.id), '[]') as memberships
         from commerce_sessions s join commerce_users u on u.id = s.user_id
        where s.token_hash = $1 and s.expires_at > $2`,
      [sha256(secret), now],
    )
  ).rows[0];
  return row === undefined ? undefined : { user: toUser(row), memberships: row.memberships };
}
