import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Store } from '#platform';
import { consumeToken, issueToken, retireTokens } from './account-tokens.ts';
import { emailField, newPasswordField, parseAccountInput } from './account-input.ts';
import { lifetime, linkTo, type AccountMail } from './account-mail.ts';
import { hashPassword } from './passwords.ts';
import { endUserSessions } from './sessions.ts';
import type { LinkOptions } from './sign-up.ts';
import { findUserRowByEmail, getUser, type User } from './users.ts';

/**
 * The reset mail for the account of this address, or no mail when there is none: the
 * caller answers both alike ("if an account exists, a link is on its way"). Only the
 * newest link works; an earlier one is retired.
 */
export async function requestPasswordReset(
  store: Store,
  input: unknown,
  opts: LinkOptions,
): Promise<{ mail: AccountMail | undefined }> {
  const { email } = parseAccountInput(z.object({ email: emailField }), input);
  const row = await findUserRowByEmail(store, email);
  // Both branches write: a stranger timing the answer sees one database round trip either way.
  if (row === undefined) {
    await store.query('delete from commerce_tokens where expires_at <= $1 and used_at is null', [opts.now]);
    return { mail: undefined };
  }
  const token = await store.transaction(async (tx) => {
    await retireTokens(tx, row.id, 'reset_password', opts.now);
    return issueToken(tx, { purpose: 'reset_password', userId: row.id }, opts);
  });
  return {
    mail: {
      id: `reset-${randomUUID()}`,
      to: row.email,
      subject: 'Reset your WAOOAW password',
      body: [
        `Hello ${row.name},`,
        '',
        'Open this link to choose a new password:',
        '',
        linkTo(opts.publicUrl, '/reset-password/new', token),
        '',
        `The link works once, for ${lifetime(opts.ttlSeconds)}. Choosing a new password signs you out everywhere else.`,
        'If you did not ask for this, ignore this mail: your password stays as it is.',
      ].join('\n'),
    },
  };
}

const resetInput = z.object({ token: z.string().min(1).max(200), password: newPasswordField });

/**
 * Sets the new password the reset link allows, once, and ends every session of the
 * account (whoever else was signed in is signed out). Opening the mailed link proves the
 * address too, so an unverified one becomes verified.
 */
export async function resetPassword(store: Store, input: unknown, now: Date): Promise<User> {
  const { token, password } = parseAccountInput(resetInput, input);
  const passwordHash = await hashPassword(password);
  return store.transaction(async (tx) => {
    const row = await consumeToken(tx, 'reset_password', token, now);
    const userId = row.user_id ?? '';
    await tx.query(
      'update commerce_users set password_hash = $2, email_verified_at = coalesce(email_verified_at, $3) where id = $1',
      [userId, passwordHash, now],
    );
    await endUserSessions(tx, userId, now);
    const user = await getUser(tx, userId);
    if (user === undefined) throw new Error(`reset token of a missing user ${userId}`);
    return user;
  });
}
