import { randomBytes } from 'node:crypto';
import { isWowError, type PgQueryable } from '#platform';
import { createCustomer } from '#domains/support';
import { createError } from '../errors.ts';

export type Role = 'owner' | 'member';

/** An organisation: the support desk's customer (same id, slug and name) with its members. */
export interface Organisation {
  id: string;
  slug: string;
  name: string;
}

export interface Membership extends Organisation {
  role: Role;
}

export interface Member {
  userId: string;
  email: string;
  name: string;
  role: Role;
}

/** `Acme Ltd.` → `acme-ltd`: the slug the ticket API and the desk name the organisation by. */
export function slugFor(name: string): string {
  const base = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50)
    .replace(/-+$/, '');
  return base === '' ? 'org' : base;
}

/**
 * A new organisation with `ownerId` as its owner. It is created as a support customer (the
 * ticket API's organisation), and the database makes its organisation row in the same
 * statement (migration 0077), so the two are one identity. A slug already taken gets a
 * short random suffix.
 */
export async function createOrganisation(
  db: PgQueryable,
  input: { name: string; ownerId: string },
): Promise<Organisation> {
  const base = slugFor(input.name);
  for (let attempt = 0; ; attempt++) {
    const slug = attempt === 0 ? base : `${base}-${randomBytes(3).toString('hex')}`;
    try {
      const customer = await createCustomer(db, { slug, name: input.name });
      await db.query('insert into commerce_memberships (organisation_id, user_id, role) values ($1, $2, $3)', [
        customer.id,
        input.ownerId,
        'owner',
      ]);
      return { id: customer.id, slug: customer.slug, name: customer.name };
    } catch (err) {
      if (!isWowError(err, 'WOW_ERR_CUSTOMER_EXISTS') || attempt >= 5) throw err;
    }
  }
}

/** The organisations a user belongs to, with their role in each, by name. */
export async function organisationsOf(db: PgQueryable, userId: string): Promise<Membership[]> {
  const { rows } = await db.query<{ id: string; slug: string; name: string; role: Role }>(
    `select c.id, c.slug, c.name, m.role
       from commerce_memberships m join support_customers c on c.id = m.organisation_id
      where m.user_id = $1 order by c.name, c.slug`,
    [userId],
  );
  return rows;
}

/**
 * The user's membership of the organisation with this slug, or WOW_ERR_NOT_MEMBER: an
 * organisation the user is not in answers as one that does not exist.
 */
export async function getMembership(db: PgQueryable, slug: string, userId: string): Promise<Membership> {
  const row = (
    await db.query<{ id: string; slug: string; name: string; role: Role }>(
      `select c.id, c.slug, c.name, m.role
         from support_customers c join commerce_memberships m on m.organisation_id = c.id and m.user_id = $2
        where c.slug = $1`,
      [slug.slice(0, 100), userId],
    )
  ).rows[0];
  if (row === undefined) throw createError('WOW_ERR_NOT_MEMBER', { organisation: slug.slice(0, 100) });
  return row;
}

/** The owner's membership, or WOW_ERR_NOT_OWNER naming the `action` refused. */
export async function requireOwner(db: PgQueryable, slug: string, userId: string, action: string): Promise<Membership> {
  const membership = await getMembership(db, slug, userId);
  if (membership.role !== 'owner') throw createError('WOW_ERR_NOT_OWNER', { organisation: membership.name, action });
  return membership;
}

/** The organisation's members, owners first, then by name. */
export async function membersOf(db: PgQueryable, organisationId: string): Promise<Member[]> {
  const { rows } = await db.query<{ user_id: string; email: string; name: string; role: Role }>(
    `select m.user_id, u.email, u.name, m.role
       from commerce_memberships m join commerce_users u on u.id = m.user_id
      where m.organisation_id = $1 order by m.role = 'owner' desc, u.name, u.email`,
    [organisationId],
  );
  return rows.map((r) => ({ userId: r.user_id, email: r.email, name: r.name, role: r.role }));
}
