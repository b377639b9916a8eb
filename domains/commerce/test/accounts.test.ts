import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createLogger, createStore, isWowError, migrate, type Store } from '#platform';
import { authenticateApiKey, createCustomer, issueApiKey } from '#domains/support';
import { storeBackends } from '../../../test/support/test-stores.ts';
import { testDatabaseUrl, uniqueName } from '../../../test/support/servers.ts';
import {
  acceptInvitation,
  changeRole,
  createSession,
  findSession,
  getMembership,
  inviteMember,
  logIn,
  membersOf,
  organisationsOf,
  readInvitation,
  removeMember,
  requestPasswordReset,
  resetPassword,
  signUp,
  verifyEmail,
  type AccountMail,
} from '#domains/commerce';
import { tokenIn } from '#domains/commerce/testing';

const t0 = new Date('2026-12-01T09:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const link = (now: Date, ttlSeconds = 3600) => ({ now, publicUrl: 'https://waooaw.example', ttlSeconds });

async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (err) {
    if (isWowError(err)) return err.code;
    throw err;
  }
  return 'no error';
}

describe.each(storeBackends('commerce'))('accounts on $name', (backend) => {
  let store: Store;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ store, close } = await backend.open());
  });
  afterAll(async () => {
    await close();
  });

  /** A verified account with its organisation, as a signed-up person has after the mailed link. */
  async function verifiedAccount(email: string, organisation = 'Acme Ltd') {
    const { mail } = await signUp(
      store,
      { name: 'Ada', email, password: 'correct horse battery', organisation },
      link(t0),
    );
    const user = await verifyEmail(store, tokenIn(mail.body, '/verify-email'), at(1));
    return { user, org: (await organisationsOf(store, user.id))[0] };
  }

  it('signs up: a person, their organisation as its support customer with them as owner, and a verification mail', async () => {
    const { mail } = await signUp(
      store,
      { name: ' Grace ', email: 'Grace@Example.com', password: 'a long enough passphrase', organisation: 'Navy Labs' },
      link(t0),
    );
    expect(mail).toMatchObject({ to: 'Grace@Example.com', subject: 'Verify your email address for WAOOAW' });
    expect(mail.body).toContain('https://waooaw.example/verify-email?token=');
    const stored = await store.query<{ password_hash: string; email_verified_at: Date | null }>(
      "select password_hash, email_verified_at from commerce_users where email_key = 'grace@example.com'",
    );
    expect(stored.rows[0]?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(stored.rows[0]?.email_verified_at).toBeNull();
    // The token is stored as its hash only.
    const token = tokenIn(mail.body, '/verify-email');
    expect((await store.query('select 1 from commerce_tokens where token_hash = $1', [token])).rows).toHaveLength(0);

    // Not verified yet: the right password is answered with a new mail, not a session.
    const unverified = await logIn(
      store,
      { email: 'grace@example.com', password: 'a long enough passphrase' },
      link(t0),
    ).catch((err: unknown) => err);
    expect(isWowError(unverified, 'WOW_ERR_EMAIL_UNVERIFIED')).toBe(true);
    const again = (unverified as { data?: { mail?: AccountMail } }).data?.mail;
    expect(again?.to).toBe('Grace@Example.com');
    // The first link was retired by the second: only the newest works.
    expect(await codeOf(verifyEmail(store, token, at(1)))).toBe('WOW_ERR_LINK_INVALID');
    const user = await verifyEmail(store, tokenIn(again?.body ?? '', '/verify-email'), at(1));
    expect(user).toMatchObject({ email: 'Grace@Example.com', name: 'Grace', emailVerified: true });

    const [org] = await organisationsOf(store, user.id);
    expect(org).toMatchObject({ slug: 'navy-labs', name: 'Navy Labs', role: 'owner' });
    // One identity: the organisation is the ticket API's customer; its API key names it.
    const { key } = await issueApiKey(store, 'navy-labs');
    expect((await authenticateApiKey(store, `Bearer ${key}`)).id).toBe(org?.id);
  });

  it('answers a sign-up with a registered address by a mail to its owner, changing nothing', async () => {
    await verifiedAccount('lin@example.com', 'Lin Co');
    const before = await store.query('select * from commerce_users order by id');
    const { mail } = await signUp(
      store,
      { name: 'Mallory', email: 'LIN@example.com', password: 'mallory wants in now', organisation: 'Evil' },
      link(t0),
    );
    expect(mail).toMatchObject({ to: 'lin@example.com', subject: 'You already have a WAOOAW account' });
    expect(mail.body).not.toContain('token=');
    expect((await store.query('select * from commerce_users order by id')).rows).toEqual(before.rows);
    expect((await store.query("select 1 from support_customers where name = 'Evil'")).rows).toHaveLength(0);
  });

  it('refuses a sign-up field by field, writing nothing', async () => {
    const err = await signUp(
      store,
      { name: '', email: 'nope', password: 'short', organisation: 'x'.repeat(201) },
      link(t0),
    ).catch((e: unknown) => e);
    expect(isWowError(err, 'WOW_ERR_ACCOUNT_INPUT')).toBe(true);
    expect((err as { data?: { errors?: { field: string }[] } }).data?.errors?.map((e) => e.field)).toEqual([
      'name',
      'email',
      'password',
      'organisation',
    ]);
  });

  it('refuses a name with a line break, which would land in a mail header', async () => {
    const err = await signUp(
      store,
      {
        name: 'Ada',
        email: 'hdr@example.com',
        password: 'twelve chars ok',
        organisation: 'Acme\r\nBcc: all@example.com',
      },
      link(t0),
    ).catch((e: unknown) => e);
    expect((err as { data?: { errors?: { field: string; message: string }[] } }).data?.errors).toEqual([
      { field: 'organisation', message: "Enter your organisation's name on one line, without control characters" },
    ]);
  });

  it('verification links work once and expire', async () => {
    const { mail } = await signUp(
      store,
      { name: 'Eve', email: 'eve@example.com', password: 'twelve chars ok', organisation: 'E' },
      link(t0, 600),
    );
    const token = tokenIn(mail.body, '/verify-email');
    const expired = await verifyEmail(store, token, at(11)).catch((e: unknown) => e);
    expect(isWowError(expired, 'WOW_ERR_LINK_INVALID') && expired.message).toContain('expired at 2026-12-01 09:10 UTC');
    const unknown = await verifyEmail(store, 'not-a-token', at(1)).catch((e: unknown) => e);
    expect(isWowError(unknown, 'WOW_ERR_LINK_INVALID') && unknown.message).toContain('is not one we sent');
    const { mail: other } = await signUp(
      store,
      { name: 'Bo', email: 'bo@example.com', password: 'twelve chars ok', organisation: 'B' },
      link(t0),
    );
    const second = tokenIn(other.body, '/verify-email');
    await verifyEmail(store, second, at(1));
    const reused = await verifyEmail(store, second, at(2)).catch((e: unknown) => e);
    expect(isWowError(reused, 'WOW_ERR_LINK_INVALID') && reused.message).toContain('was used already');
  });

  it('signs in with the right password only; an unknown address fails the same way', async () => {
    const { user } = await verifiedAccount('kay@example.com', 'Kay');
    expect((await logIn(store, { email: ' KAY@example.com', password: 'correct horse battery' }, link(t0))).id).toBe(
      user.id,
    );
    expect(await codeOf(logIn(store, { email: 'kay@example.com', password: 'wrong horse battery' }, link(t0)))).toBe(
      'WOW_ERR_LOGIN_FAILED',
    );
    expect(
      await codeOf(logIn(store, { email: 'nobody@example.com', password: 'correct horse battery' }, link(t0))),
    ).toBe('WOW_ERR_LOGIN_FAILED');
  });

  it('resets a password by mail: the old one stops working and every session ends', async () => {
    const { user } = await verifiedAccount('rae@example.com', 'Rae');
    const session = await createSession(store, { userId: user.id }, { now: t0, ttlSeconds: 3600 });
    expect(await findSession(store, session.secret, at(1))).toMatchObject({ subject: { userId: user.id } });
    expect((await requestPasswordReset(store, { email: 'nobody@example.com' }, link(t0))).mail).toBeUndefined();
    const { mail } = await requestPasswordReset(store, { email: 'RAE@example.com' }, link(t0));
    const token = tokenIn(mail?.body ?? '', '/reset-password/new');
    expect(await codeOf(resetPassword(store, { token, password: 'short' }, at(1)))).toBe('WOW_ERR_ACCOUNT_INPUT');
    await resetPassword(store, { token, password: 'a brand new passphrase' }, at(1));
    expect(await findSession(store, session.secret, at(2))).toBeUndefined();
    expect(await codeOf(logIn(store, { email: 'rae@example.com', password: 'correct horse battery' }, link(t0)))).toBe(
      'WOW_ERR_LOGIN_FAILED',
    );
    expect((await logIn(store, { email: 'rae@example.com', password: 'a brand new passphrase' }, link(t0))).id).toBe(
      user.id,
    );
    expect(await codeOf(resetPassword(store, { token, password: 'another new passphrase' }, at(2)))).toBe(
      'WOW_ERR_LINK_INVALID',
    );
  });

  it('sessions end when they expire', async () => {
    const { user } = await verifiedAccount('sid@example.com', 'Sid');
    const session = await createSession(store, { userId: user.id }, { now: t0, ttlSeconds: 60 });
    expect(await findSession(store, session.secret, at(0.5))).toBeDefined();
    expect(await findSession(store, session.secret, at(2))).toBeUndefined();
    expect(await findSession(store, 'x'.repeat(500), at(0))).toBeUndefined();
    // The next sign-in clears what ran out.
    await createSession(store, { userId: user.id }, { now: at(3), ttlSeconds: 60 });
    const left = await store.query('select expires_at from commerce_sessions where user_id = $1', [user.id]);
    expect(left.rows).toHaveLength(1);
  });

  it('invites by email; only the invited address accepts, once; owners change roles; the last owner stays', async () => {
    const { user: owner, org } = await verifiedAccount('olga@example.com', 'Olga Org');
    const slug = org?.slug ?? '';
    const { user: pat } = await verifiedAccount('pat@example.com', 'Pat Org');
    const { user: quin } = await verifiedAccount('quin@example.com', 'Quin Org');

    // Only an owner invites; a stranger's attempt reads as an organisation that is not there.
    expect(
      await codeOf(
        inviteMember(store, { slug, by: pat.id, fields: { email: 'x@example.com', role: 'member' } }, link(t0)),
      ),
    ).toBe('WOW_ERR_NOT_MEMBER');
    const { mail } = await inviteMember(
      store,
      { slug, by: owner.id, fields: { email: 'Pat@example.com', role: 'member' } },
      link(t0),
    );
    expect(mail).toMatchObject({ to: 'Pat@example.com', subject: 'You are invited to Olga Org on WAOOAW' });
    const token = tokenIn(mail.body, '/invitations/accept');
    expect(await readInvitation(store, token, at(1))).toMatchObject({
      organisation: { slug },
      email: 'pat@example.com',
      role: 'member',
    });
    // Someone else signed in cannot take it, and the link still works for Pat.
    expect(await codeOf(acceptInvitation(store, { token, userId: quin.id }, at(1)))).toBe('WOW_ERR_INVITATION_EMAIL');
    expect((await acceptInvitation(store, { token, userId: pat.id }, at(1))).slug).toBe(slug);
    expect(await codeOf(acceptInvitation(store, { token, userId: pat.id }, at(2)))).toBe('WOW_ERR_LINK_INVALID');
    expect(
      await codeOf(
        inviteMember(store, { slug, by: owner.id, fields: { email: 'pat@example.com', role: 'owner' } }, link(t0)),
      ),
    ).toBe('WOW_ERR_ALREADY_MEMBER');
    expect((await membersOf(store, org?.id ?? '')).map((m) => [m.email, m.role])).toEqual([
      ['olga@example.com', 'owner'],
      ['pat@example.com', 'member'],
    ]);

    // A member may not change roles; the last owner may not be demoted nor leave.
    expect(await codeOf(changeRole(store, { slug, by: pat.id, userId: pat.id, role: 'owner' }))).toBe(
      'WOW_ERR_NOT_OWNER',
    );
    expect(await codeOf(changeRole(store, { slug, by: owner.id, userId: owner.id, role: 'member' }))).toBe(
      'WOW_ERR_LAST_OWNER',
    );
    expect(await codeOf(removeMember(store, { slug, by: owner.id, userId: owner.id }))).toBe('WOW_ERR_LAST_OWNER');
    // With a second owner, the first may step down, and then leave.
    await changeRole(store, { slug, by: owner.id, userId: pat.id, role: 'owner' });
    await changeRole(store, { slug, by: owner.id, userId: owner.id, role: 'member' });
    expect(await codeOf(changeRole(store, { slug, by: pat.id, userId: pat.id, role: 'member' }))).toBe(
      'WOW_ERR_LAST_OWNER',
    );
    await removeMember(store, { slug, by: owner.id, userId: owner.id });
    expect(await codeOf(getMembership(store, slug, owner.id))).toBe('WOW_ERR_NOT_MEMBER');
  });

  it('two owners demoting each other at once leave one owner', async () => {
    const { user: a, org } = await verifiedAccount('a1@example.com', 'Race Org');
    const slug = org?.slug ?? '';
    const { user: b } = await verifiedAccount('b1@example.com', 'B1');
    const { mail } = await inviteMember(
      store,
      { slug, by: a.id, fields: { email: 'b1@example.com', role: 'owner' } },
      link(t0),
    );
    await acceptInvitation(store, { token: tokenIn(mail.body, '/invitations/accept'), userId: b.id }, at(1));
    const outcomes = await Promise.allSettled([
      changeRole(store, { slug, by: a.id, userId: b.id, role: 'member' }),
      changeRole(store, { slug, by: b.id, userId: a.id, role: 'member' }),
    ]);
    const owners = (await membersOf(store, org?.id ?? '')).filter((m) => m.role === 'owner');
    expect(owners).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(1);
  });

  it('every support customer is an organisation, however it is added', async () => {
    const customer = await createCustomer(store, { slug: 'desk-added', name: 'Added by the desk' });
    expect((await store.query('select id from commerce_organisations where id = $1', [customer.id])).rows).toHaveLength(
      1,
    );
  });
});

describe('migration 0077 on PostgreSQL', () => {
  it('makes an organisation of every support customer that existed before it', async () => {
    const log = createLogger('silent');
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const before = await mkdtemp(join(tmpdir(), 'wow-before-0077-'));
    const folders = [
      join(root, 'platform', 'migrations'),
      ...(await readdir(join(root, 'domains'))).map((d) => join(root, 'domains', d, 'migrations')),
      ...(await readdir(join(root, 'agents'))).map((a) => join(root, 'agents', a, 'migrations')),
    ];
    for (const folder of folders)
      for (const name of await readdir(folder).catch(() => [] as string[]))
        if (/^\d{4}_/.test(name) && name < '0077') await copyFile(join(folder, name), join(before, name));
    const schema = uniqueName('m0077');
    const store = await createStore({ url: testDatabaseUrl, dataDir: '.data', poolMax: 2, schema, log });
    try {
      await migrate(store, { dirs: [before], log });
      const old = await createCustomer(store, { slug: 'old-customer', name: 'Old Customer' });
      expect((await store.query('select 1 from commerce_organisations')).rows).toHaveLength(0);
      await migrate(store, { log });
      expect((await store.query('select id from commerce_organisations')).rows).toEqual([{ id: old.id }]);
      // It has no members yet: `wow accounts invite` gives it an owner.
      expect((await store.query('select 1 from commerce_memberships')).rows).toHaveLength(0);
    } finally {
      await store.close();
      await rm(before, { recursive: true, force: true });
      const admin = new pg.Client({ connectionString: testDatabaseUrl });
      await admin.connect();
      await admin.query(`drop schema if exists "${schema}" cascade`);
      await admin.end();
    }
  });
});
