import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { PgQueryable, Store } from '#platform';
import { consumeToken, invalidLink, issueToken, sha256, type TokenRow } from '../accounts/account-tokens.ts';
import { emailField, parseAccountInput } from '../accounts/account-input.ts';
import { lifetime, linkTo, type AccountMail } from '../accounts/account-mail.ts';
import { emailKey } from '../accounts/email-key.ts';
import type { LinkOptions } from '../accounts/sign-up.ts';
import { getUser } from '../accounts/users.ts';
import { createError } from '../errors.ts';
import { requireOwner, type Organisation, type Role } from './organisations.ts';

const inviteInput = z.object({
  email: emailField,
  role: z.enum(['owner', 'member'], { error: 'Choose owner or member' }),
});

/**
 * An owner invites someone by email, as owner or member: the mail carries a single-use
 * link that lives `ttlSeconds`. Someone already in the organisation is WOW_ERR_ALREADY_MEMBER.
 */
export async function inviteMember(
  store: Store,
  input: { slug: string; by: string; fields: unknown },
  opts: LinkOptions,
): Promise<{ mail: AccountMail }> {
  const fields = parseAccountInput(inviteInput, input.fields);
  return store.transaction(async (tx) => {
    const org = await requireOwner(tx, input.slug, input.by, 'invite members');
    const inviter = await getUser(tx, input.by);
    return writeInvitation(tx, org, { ...fields, by: input.by, byName: inviter?.name ?? 'An owner' }, opts);
  });
}

/**
 * An operator invites someone into an organisation with no owner yet (a support customer
 * from before accounts existed, migration 0077): `wow accounts invite`. The link is
 * returned too, for the operator to hand over when no mail can be sent.
 */
export async function inviteByOperator(
  store: Store,
  input: { slug: string; email: string; role: Role },
  opts: LinkOptions,
): Promise<{ mail: AccountMail; link: string }> {
  const fields = parseAccountInput(inviteInput, { email: input.email, role: input.role });
  return store.transaction(async (tx) => {
    const org = (
      await tx.query<{ id: string; slug: string; name: string }>(
        'select c.id, c.slug, c.name from support_customers c join commerce_organisations o on o.id = c.id where c.slug = $1',
        [input.slug.slice(0, 100)],
      )
    ).rows[0];
    if (org === undefined) throw createError('WOW_ERR_NOT_MEMBER', { organisation: input.slug.slice(0, 100) });
    const { mail } = await writeInvitation(tx, org, { ...fields, by: undefined, byName: 'The WAOOAW team' }, opts);
    return { mail, link: /https?:\/\/\S+\/invitations\/accept\?token=\S+/.exec(mail.body)?.[0] ?? '' };
  });
}

async function writeInvitation(
  tx: PgQueryable,
  org: Organisation,
  invite: { email: string; role: Role; by: string | undefined; byName: string },
  opts: LinkOptions,
): Promise<{ mail: AccountMail }> {
  const { email, role } = invite;
  const member = await tx.query(
    `select 1 from commerce_memberships m join commerce_users u on u.id = m.user_id
      where m.organisation_id = $1 and u.email_key = $2`,
    [org.id, emailKey(email)],
  );
  if (member.rows.length > 0) throw createError('WOW_ERR_ALREADY_MEMBER', { email, organisation: org.name });
  const token = await issueToken(
    tx,
    { purpose: 'invitation', organisationId: org.id, email: emailKey(email), role, invitedBy: invite.by },
    opts,
  );
  return {
    mail: {
      id: `invite-${randomUUID()}`,
      to: email,
      subject: `You are invited to ${org.name} on WAOOAW`,
      body: [
        `${invite.byName} invites you to join ${org.name} on WAOOAW as ${role === 'owner' ? 'an owner' : 'a member'}.`,
        '',
        'Open this link to accept (sign in, or sign up with this address, first):',
        '',
        linkTo(opts.publicUrl, '/invitations/accept', token),
        '',
        `The link works once, for ${lifetime(opts.ttlSeconds)}. If you do not know ${org.name}, ignore this mail.`,
      ].join('\n'),
    },
  };
}

export interface Invitation {
  organisation: Organisation;
  email: string;
  role: Role;
}

/** What an invitation link offers, without using it (the page that asks "join?"), or WOW_ERR_LINK_INVALID. */
export async function readInvitation(store: Store, token: string, now: Date): Promise<Invitation> {
  const row = (
    await store.query<TokenRow & { slug: string; name: string }>(
      `select t.*, c.slug, c.name from commerce_tokens t join support_customers c on c.id = t.organisation_id
        where t.token_hash = $1 and t.purpose = 'invitation' and t.used_at is null and t.expires_at > $2`,
      [sha256(token.slice(0, 200)), now],
    )
  ).rows[0];
  if (row === undefined) throw await invalidLink(store, 'invitation', token);
  return {
    organisation: { id: row.organisation_id ?? '', slug: row.slug, name: row.name },
    email: row.email ?? '',
    role: row.role ?? 'member',
  };
}

/**
 * The signed-in user accepts the invitation: it must have been sent to their address
 * (WOW_ERR_INVITATION_EMAIL otherwise, and the link stays usable for the right person).
 */
export async function acceptInvitation(
  store: Store,
  input: { token: string; userId: string },
  now: Date,
): Promise<Organisation> {
  return store.transaction(async (tx) => {
    const row = await consumeToken(tx, 'invitation', input.token, now);
    const user = await getUser(tx, input.userId);
    if (user === undefined || emailKey(user.email) !== row.email)
      throw createError('WOW_ERR_INVITATION_EMAIL', { invited: row.email ?? '', email: user?.email ?? 'nobody' });
    await tx.query(
      `insert into commerce_memberships (organisation_id, user_id, role) values ($1, $2, $3)
       on conflict (organisation_id, user_id) do nothing`,
      [row.organisation_id, input.userId, row.role],
    );
    // Accepting a mailed link proves the address, as verifying it does.
    await tx.query('update commerce_users set email_verified_at = coalesce(email_verified_at, $2) where id = $1', [
      input.userId,
      now,
    ]);
    const org = await tx.query<{ id: string; slug: string; name: string }>(
      'select id, slug, name from support_customers where id = $1',
      [row.organisation_id],
    );
    const found = org.rows[0];
    if (found === undefined) throw new Error(`invitation to a missing organisation ${row.organisation_id ?? ''}`);
    return found;
  });
}
