import type { PgQueryable } from '#platform';
import { emailKey } from './email-key.ts';

export interface User {
  id: string;
  email: string;
  name: string;
  emailVerified: boolean;
  createdAt: string;
}

export interface UserRow extends Record<string, unknown> {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  email_verified_at: Date | null;
  created_at: Date;
}

export const toUser = (r: UserRow): User => ({
  id: r.id,
  email: r.email,
  name: r.name,
  emailVerified: r.email_verified_at !== null,
  createdAt: new Date(r.created_at).toISOString(),
});

export async function findUserRowByEmail(db: PgQueryable, email: string): Promise<UserRow | undefined> {
  return (await db.query<UserRow>('select * from commerce_users where email_key = $1', [emailKey(email)])).rows[0];
}

/** The user with this id, or undefined (a session outliving its user is no session). */
export async function getUser(db: PgQueryable, id: string): Promise<User | undefined> {
  const row = (await db.query<UserRow>('select * from commerce_users where id = $1', [id])).rows[0];
  return row === undefined ? undefined : toUser(row);
}
