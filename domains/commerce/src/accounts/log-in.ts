import { z } from 'zod';
import type { Store } from '#platform';
import { createError } from '../errors.ts';
import { issueToken, retireTokens } from './account-tokens.ts';
import { emailField, parseAccountInput } from './account-input.ts';
import type { AccountMail } from './account-mail.ts';
import { checkPassword } from './passwords.ts';
import { verificationMail, type LinkOptions } from './sign-up.ts';
import { findUserRowByEmail, toUser, type User } from './users.ts';

const logInInput = z.object({
  email: emailField,
  password: z.string({ error: 'Enter your password' }).min(1, { error: 'Enter your password' }).max(200, {
    error: 'Enter your password',
  }),
});

/**
 * The user whose email address and password these are. An unknown address and a wrong
 * password are the same WOW_ERR_LOGIN_FAILED, after the same Argon2 work. A right password
 * on an address not yet verified is WOW_ERR_EMAIL_UNVERIFIED with a fresh verification mail
 * in `data.mail` (only someone holding the password learns the account exists).
 */
export async function logIn(store: Store, input: unknown, opts: LinkOptions): Promise<User> {
  const { email, password } = parseAccountInput(logInInput, input);
  const row = await findUserRowByEmail(store, email);
  const ok = await checkPassword(row?.password_hash, password);
  if (row === undefined || !ok) throw createError('WOW_ERR_LOGIN_FAILED');
  if (row.email_verified_at === null) {
    const token = await store.transaction(async (tx) => {
      await retireTokens(tx, row.id, 'verify_email', opts.now);
      return issueToken(tx, { purpose: 'verify_email', userId: row.id }, opts);
    });
    const mail: AccountMail = verificationMail(row.email, row.name, token, opts);
    throw createError('WOW_ERR_EMAIL_UNVERIFIED', { email: row.email }, { data: { mail } });
  }
  return toUser(row);
}

/** The address a sign-in was tried for, in the form the per-account limit counts it by (undefined: none given). */
export function loginAccountKey(input: unknown): string | undefined {
  const email = (input as { email?: unknown } | null)?.email;
  return typeof email === 'string' && email.trim() !== '' ? email.trim().toLowerCase().slice(0, 254) : undefined;
}
