import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Store } from '#platform';
import { createOrganisation } from '../organisations/organisations.ts';
import { issueToken } from './account-tokens.ts';
import { emailField, nameField, newPasswordField, parseAccountInput } from './account-input.ts';
import { lifetime, linkTo, type AccountMail } from './account-mail.ts';
import { emailKey } from './email-key.ts';
import { hashPassword } from './passwords.ts';
import { findUserRowByEmail } from './users.ts';

const signUpInput = z.object({
  name: nameField('your name'),
  email: emailField,
  password: newPasswordField,
  organisation: nameField("your organisation's name"),
});

export interface LinkOptions {
  now: Date;
  /** The deployment's public origin, which the mailed link opens. */
  publicUrl: string;
  ttlSeconds: number;
}

/**
 * A new account, its organisation (with the person as owner) and the mail that verifies
 * the address. An address that has an account already gets a mail saying so instead, and
 * the caller answers exactly as for a new one: the form never tells a stranger which
 * addresses are registered. The password is hashed either way, so both cost the same.
 */
export async function signUp(store: Store, input: unknown, opts: LinkOptions): Promise<{ mail: AccountMail }> {
  const fields = parseAccountInput(signUpInput, input);
  const passwordHash = await hashPassword(fields.password);
  const existing = await findUserRowByEmail(store, fields.email);
  if (existing !== undefined) return { mail: alreadyRegistered(existing.email, opts.publicUrl) };
  const created = await store.transaction(async (tx) => {
    const id = randomUUID();
    const { rowCount } = await tx.query(
      `insert into commerce_users (id, email, email_key, name, password_hash, created_at) values ($1, $2, $3, $4, $5, $6)
       on conflict (email_key) do nothing`,
      [id, fields.email, emailKey(fields.email), fields.name, passwordHash, opts.now],
    );
    // Taken between the look-up and here, by a second sign-up racing this one.
    if (rowCount === 0) return undefined;
    await createOrganisation(tx, { name: fields.organisation, ownerId: id });
    return { id, token: await issueToken(tx, { purpose: 'verify_email', userId: id }, opts) };
  });
  if (created === undefined) return { mail: alreadyRegistered(fields.email, opts.publicUrl) };
  return { mail: verificationMail(fields.email, fields.name, created.token, opts) };
}

export function verificationMail(to: string, name: string, token: string, opts: LinkOptions): AccountMail {
  return {
    id: `verify-${randomUUID()}`,
    to,
    subject: 'Verify your email address for WAOOAW',
    body: [
      `Hello ${name},`,
      '',
      'Open this link to verify your email address and finish signing up:',
      '',
      linkTo(opts.publicUrl, '/verify-email', token),
      '',
      `The link works once, for ${lifetime(opts.ttlSeconds)}. If you did not sign up, ignore this mail: nothing happens without the link.`,
    ].join('\n'),
  };
}

function alreadyRegistered(to: string, publicUrl: string): AccountMail {
  const origin = publicUrl.replace(/\/$/, '');
  return {
    id: `registered-${randomUUID()}`,
    to,
    subject: 'You already have a WAOOAW account',
    body: [
      'Someone, probably you, tried to sign up with this address, which has an account already.',
      '',
      `Sign in at ${origin}/login, or if you forgot the password, reset it at ${origin}/reset-password.`,
      '',
      'If it was not you, ignore this mail: nothing was changed.',
    ].join('\n'),
  };
}
