import type { Store } from '#platform';
import { consumeToken } from './account-tokens.ts';
import { getUser, type User } from './users.ts';

/** Verifies the address a verification link was mailed to; the link works once. */
export async function verifyEmail(store: Store, token: string, now: Date): Promise<User> {
  return store.transaction(async (tx) => {
    const row = await consumeToken(tx, 'verify_email', token, now);
    const userId = row.user_id ?? '';
    await tx.query('update commerce_users set email_verified_at = coalesce(email_verified_at, $2) where id = $1', [
      userId,
      now,
    ]);
    const user = await getUser(tx, userId);
    // The token's row is deleted with its user, so a token found has a user.
    if (user === undefined) throw new Error(`verification token of a missing user ${userId}`);
    return user;
  });
}
