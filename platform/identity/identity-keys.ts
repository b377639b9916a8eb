import type { PgQueryable } from '../store/store.ts';
import type { Subject } from './did/did-web.ts';
import type { KmsDriver, PublicKeyJwk } from './kms/kms.ts';

/** One signing key of a subject, with the times that make its state (0022_identity_keys.sql). */
export interface IdentityKey {
  id: number;
  subject: Subject;
  fragment: string;
  kms: KmsDriver;
  keyRef: string;
  publicKeyJwk: PublicKeyJwk;
  createdAt: Date;
  signsFrom: Date;
  signsUntil: Date | null;
  verifiesUntil: Date | null;
  retiredAt: Date | null;
}

/**
 * published: in the DID document, not yet signing; active: signs; verifying: rotated out,
 * in the document for verification only; retired: gone from the document.
 */
export type KeyState = 'published' | 'active' | 'verifying' | 'retired';

/** Whether the key verifies nothing any more at `t` (ms): retired, or past its verification window. */
export const retiredBy = (key: IdentityKey, t: number): boolean =>
  key.retiredAt !== null || (key.verifiesUntil !== null && key.verifiesUntil.getTime() <= t);

export function keyStateAt(key: IdentityKey, now: Date): KeyState {
  const t = now.getTime();
  if (retiredBy(key, t)) return 'retired';
  if (key.signsUntil !== null && key.signsUntil.getTime() <= t) return 'verifying';
  return key.signsFrom.getTime() <= t ? 'active' : 'published';
}

interface KeyRow extends Record<string, unknown> {
  id: string;
  subject: string;
  fragment: string;
  kms: KmsDriver;
  key_ref: string;
  public_key_jwk: PublicKeyJwk;
  created_at: Date;
  signs_from: Date;
  signs_until: Date | null;
  verifies_until: Date | null;
  retired_at: Date | null;
}

const columns =
  'id, subject, fragment, kms, key_ref, public_key_jwk, created_at, signs_from, signs_until, verifies_until, retired_at';

const keyOf = (row: KeyRow): IdentityKey => ({
  id: Number(row.id),
  subject: row.subject,
  fragment: row.fragment,
  kms: row.kms,
  keyRef: row.key_ref,
  publicKeyJwk: row.public_key_jwk,
  createdAt: new Date(row.created_at),
  signsFrom: new Date(row.signs_from),
  signsUntil: row.signs_until === null ? null : new Date(row.signs_until),
  verifiesUntil: row.verifies_until === null ? null : new Date(row.verifies_until),
  retiredAt: row.retired_at === null ? null : new Date(row.retired_at),
});

/** Every key the subject has had, oldest first. */
export async function listKeys(db: PgQueryable, subject: Subject): Promise<IdentityKey[]> {
  const { rows } = await db.query<KeyRow>(`select ${columns} from identity_keys where subject = $1 order by id`, [
    subject,
  ]);
  return rows.map(keyOf);
}

/** The subject's key that is neither rotated out nor retired (the current or next signer), locked with `forUpdate`. */
export async function openKeyOf(
  db: PgQueryable,
  subject: Subject,
  opts: { forUpdate?: boolean } = {},
): Promise<IdentityKey | undefined> {
  const { rows } = await db.query<KeyRow>(
    `select ${columns} from identity_keys where subject = $1 and signs_until is null${opts.forUpdate === true ? ' for update' : ''}`,
    [subject],
  );
  const [row] = rows;
  return row === undefined ? undefined : keyOf(row);
}

/** The key that signs for the subject at `now`: the newest whose signing window holds it. */
export async function signingKeyOf(db: PgQueryable, subject: Subject, now: Date): Promise<IdentityKey | undefined> {
  const { rows } = await db.query<KeyRow>(
    `select ${columns} from identity_keys
      where subject = $1 and retired_at is null and signs_from <= $2 and (signs_until is null or signs_until > $2)
      order by signs_from desc limit 1`,
    [subject, now],
  );
  const [row] = rows;
  return row === undefined ? undefined : keyOf(row);
}

/** Every subject with a current or next signing key. */
export async function listSubjects(db: PgQueryable): Promise<Subject[]> {
  const { rows } = await db.query<{ subject: string }>(
    'select subject from identity_keys where signs_until is null order by subject',
  );
  return rows.map((r) => r.subject);
}

/** Keys whose grace has ended but which their KMS has not yet retired. */
export async function keysToRetire(db: PgQueryable, now: Date): Promise<IdentityKey[]> {
  const { rows } = await db.query<KeyRow>(
    `select ${columns} from identity_keys where retired_at is null and verifies_until <= $1 order by id`,
    [now],
  );
  return rows.map(keyOf);
}

/** Subjects whose open key has signed since before `signedSince`: due for rotation. */
export async function subjectsSigningSince(db: PgQueryable, signedSince: Date): Promise<Subject[]> {
  const { rows } = await db.query<{ subject: string }>(
    'select subject from identity_keys where signs_until is null and signs_from <= $1 order by subject',
    [signedSince],
  );
  return rows.map((r) => r.subject);
}

export type KeyEvent = 'created' | 'rotated_out' | 'retired';

export async function recordKeyEvent(
  db: PgQueryable,
  key: Pick<IdentityKey, 'id' | 'subject'>,
  event: { event: KeyEvent; at: Date; actor: string; reason: string },
): Promise<void> {
  await db.query(
    'insert into identity_key_events (key_id, subject, event, at, actor, reason) values ($1, $2, $3, $4, $5, $6)',
    [key.id, key.subject, event.event, event.at, event.actor, event.reason],
  );
}

/** One change in a key's life; `fragment` names the key. */
export interface KeyHistoryEntry extends Record<string, unknown> {
  fragment: string;
  event: KeyEvent;
  at: Date;
  actor: string;
  reason: string;
}

/** The subject's key history, oldest first. */
export async function listKeyEvents(db: PgQueryable, subject: Subject): Promise<KeyHistoryEntry[]> {
  const { rows } = await db.query<KeyHistoryEntry>(
    `select k.fragment, e.event, e.at, e.actor, e.reason
       from identity_key_events e join identity_keys k on k.id = e.key_id
      where e.subject = $1 order by e.at, e.id`,
    [subject],
  );
  return rows.map((r) => ({ ...r, at: new Date(r.at) }));
}
