import type { Store } from '#platform';
import { createError } from '../errors.ts';
import { getMembership, requireOwner, type Role } from './organisations.ts';

/**
 * Locks the organisation's owners and says how many there are. Changes that could take
 * the last owner away (a demotion, leaving, a removal) take this lock first, so two
 * owners demoting each other at once cannot leave the organisation with none.
 */
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The member's role, or WOW_ERR_MEMBER_NOT_FOUND for an id that is no member's (or no id at all: it came from a URL). */
async function roleOf(tx: { query: Store['query'] }, org: { id: string; name: string }, userId: string): Promise<Role> {
  const found = uuid.test(userId)
    ? (
        await tx.query<{ role: Role }>(
          'select role from commerce_memberships where organisation_id = $1 and user_id = $2',
          [org.id, userId],
        )
      ).rows[0]?.role
    : undefined;
  if (found === undefined) throw createError('WOW_ERR_MEMBER_NOT_FOUND', { organisation: org.name });
  return found;
}

async function lockedOwnerCount(tx: { query: Store['query'] }, organisationId: string): Promise<number> {
  const { rows } = await tx.query<{ user_id: string }>(
    "select user_id from commerce_memberships where organisation_id = $1 and role = 'owner' for update",
    [organisationId],
  );
  return rows.length;
}

/** An owner gives a member another role; the last owner cannot be made a member (WOW_ERR_LAST_OWNER). */
export async function changeRole(
  store: Store,
  input: { slug: string; by: string; userId: string; role: Role },
): Promise<void> {
  await store.transaction(async (tx) => {
    const org = await requireOwner(tx, input.slug, input.by, "change members' roles");
    const current = await roleOf(tx, org, input.userId);
    if (current === input.role) return;
    if (current === 'owner' && (await lockedOwnerCount(tx, org.id)) <= 1)
      throw createError('WOW_ERR_LAST_OWNER', { who: 'This is', organisation: org.name });
    await tx.query('update commerce_memberships set role = $3 where organisation_id = $1 and user_id = $2', [
      org.id,
      input.userId,
      input.role,
    ]);
  });
}

/**
 * A member leaves (`userId` = `by`), or an owner removes a member. The last owner can do
 * neither to themselves (WOW_ERR_LAST_OWNER).
 */
export async function removeMember(store: Store, input: { slug: string; by: string; userId: string }): Promise<void> {
  await store.transaction(async (tx) => {
    const org =
      input.userId === input.by
        ? await getMembership(tx, input.slug, input.by)
        : await requireOwner(tx, input.slug, input.by, 'remove members');
    const role = await roleOf(tx, org, input.userId);
    if (role === 'owner' && (await lockedOwnerCount(tx, org.id)) <= 1)
      throw createError('WOW_ERR_LAST_OWNER', {
        who: input.userId === input.by ? 'You are' : 'This is',
        organisation: org.name,
      });
    await tx.query('delete from commerce_memberships where organisation_id = $1 and user_id = $2', [
      org.id,
      input.userId,
    ]);
  });
}
