import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createBus,
  createLogger,
  createMetrics,
  loadConfig,
  readSharedSettings,
  type Bus,
  type Store,
} from '#platform';
import { supportSettings } from '#domains/support';
import { accountSettings } from '#domains/commerce';
import { tokenIn } from '#domains/commerce/testing';
import { createServer } from '../server/create-server.ts';
import { storeBackends } from '../../test/support/test-stores.ts';
import { InjectBrowser, startSmtpSink, type SmtpSink } from '../../test/support/account-clients.ts';
import { createGitHubDouble, type GitHubDouble } from '../../test/doubles/github-api.ts';
import { deleteRedisKeys, testRedisUrl, uniqueName } from '../../test/support/servers.ts';

const log = createLogger('silent');
const busDefaults = { concurrency: 1, maxAttempts: 3, visibilityTimeoutMs: 1000, retryBaseMs: 5, retryMaxMs: 20 };
const password = 'correct horse battery staple';

let store: Store;
let closeStore: () => Promise<void>;
let bus: Bus;
let sink: SmtpSink;
let github: GitHubDouble;
let now = new Date('2026-12-01T09:00:00Z');
const servers: FastifyInstance[] = [];

beforeAll(async () => {
  const postgres = storeBackends('accounts-http').find((b) => b.name === 'PostgreSQL');
  if (postgres === undefined) throw new Error('no PostgreSQL backend');
  ({ store, close: closeStore } = await postgres.open());
  bus = await createBus({ streamMaxLen: 1000, defaults: busDefaults, log });
  sink = await startSmtpSink();
  github = createGitHubDouble();
  github.oauth.signedIn = 'octo-operator';
  github.teams.set('acme/waooaw-ops', ['octo-operator']);
});
afterAll(async () => {
  for (const s of servers) await s.close();
  await bus.close();
  await sink.close();
  await closeStore();
});

/** A server with the accounts' settings given as environment variables, mail going to the sink. */
async function startServer(env: Record<string, string> = {}, opts: { smtp?: boolean } = {}): Promise<FastifyInstance> {
  const server = await createServer({
    config: loadConfig(env),
    bus,
    store,
    log,
    metrics: createMetrics({ defaultMetrics: false }),
    support: readSharedSettings(supportSettings, opts.smtp === false ? {} : { SMTP_URL: sink.url }),
    accounts: readSharedSettings(accountSettings, {
      GITHUB_CLIENT_ID: github.oauth.clientId,
      GITHUB_CLIENT_SECRET: github.oauth.clientSecret,
      ACCOUNTS_OPERATOR_TEAM: 'acme/waooaw-ops',
      ACCOUNTS_MAIL_PER_IP: '1000',
      ...env,
    }),
    githubFetch: github.fetch,
    clock: () => now,
  });
  servers.push(server);
  return server;
}

/** Signs up, verifies by the mailed link and returns the signed-in browser. */
async function signedUp(server: FastifyInstance, email: string, organisation = 'Acme Ltd'): Promise<InjectBrowser> {
  const browser = new InjectBrowser(server);
  await browser.get('/signup');
  const res = await browser.post('/signup', { name: 'Ada Lovelace', email, password, organisation });
  expect(res.statusCode).toBe(303);
  const mail = await sink.next(email);
  await browser.get(`/verify-email?token=${encodeURIComponent(tokenIn(mail.text, '/verify-email'))}`);
  const verified = await browser.post('/verify-email', { token: tokenIn(mail.text, '/verify-email') });
  expect(verified.headers.location).toBe('/account?notice=verified');
  return browser;
}

/** A page's text without the values that differ per request (the CSRF token). */
const sameness = (body: string) => body.replace(/name="_csrf" value="[^"]+"/g, 'name="_csrf" value=""');

describe('accounts over HTTP', () => {
  let server: FastifyInstance;
  beforeAll(async () => {
    server = await startServer();
  });

  it('signs up, verifies the address from the mail, and signs in; every page works as plain HTML', async () => {
    const browser = new InjectBrowser(server);
    const form = await browser.get('/signup');
    expect(form.statusCode).toBe(200);
    expect(form.headers['content-security-policy']).toContain("default-src 'none'");
    expect(form.body).toContain('<form method="post" action="/signup" novalidate>');
    expect(form.body).not.toContain('<script');
    const res = await browser.post('/signup', {
      name: 'Grace',
      email: 'grace@example.com',
      password,
      organisation: 'Navy Labs',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/signup/sent');
    const mail = await sink.next('grace@example.com');
    expect(mail.subject).toBe('Verify your email address for WAOOAW');
    const token = tokenIn(mail.text, '/verify-email');
    // Opening the link changes nothing (mail scanners open links): a button posts it.
    const landing = await browser.get(`/verify-email?token=${encodeURIComponent(token)}`);
    expect(landing.body).toContain('<button type="submit">Verify my address</button>');
    const verified = await browser.post('/verify-email', { token });
    expect(verified.statusCode).toBe(303);
    const account = await browser.get('/account?notice=verified');
    expect(account.body).toContain('Your email address is verified.');
    expect(account.body).toMatch(/<a href="\/orgs\/navy-labs">Navy Labs<\/a> \(owner\)/);
  });

  it("refuses a form without a CSRF token, or with another browser's, doing nothing", async () => {
    const browser = new InjectBrowser(server);
    await browser.get('/signup');
    const fields = { name: 'Mallory', email: 'mallory@example.com', password, organisation: 'Evil' };
    const none = await browser.post('/signup', fields, null);
    expect(none.statusCode).toBe(403);
    expect(none.body).toContain('The form has expired');
    const other = new InjectBrowser(server);
    await other.get('/signup');
    const forged = await browser.post('/signup', fields, other.csrf);
    expect(forged.statusCode).toBe(403);
    const bare = await new InjectBrowser(server).post('/signup', fields, 'x');
    expect(bare.statusCode).toBe(403);
    expect(
      (await store.query("select 1 from commerce_users where email_key = 'mallory@example.com'")).rows,
    ).toHaveLength(0);
  });

  it('shows the sign-up form again with each problem, escaped, keeping what was typed but the password', async () => {
    const browser = new InjectBrowser(server);
    await browser.get('/signup');
    const res = await browser.post('/signup', {
      name: '<script>x</script>',
      email: 'not-an-email',
      password: 'short',
      organisation: '',
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('<title>Error: Create your account – WAOOAW</title>');
    expect(res.body).toContain('<a href="#email">Enter an email address like name@example.com</a>');
    expect(res.body).toContain('value="&lt;script&gt;x&lt;/script&gt;"');
    expect(res.body).not.toContain('<script>');
    expect(res.body).not.toContain('value="short"');
  });

  it('answers a sign-up and a reset the same for a registered and an unknown address', async () => {
    await signedUp(server, 'lin@example.com', 'Lin Co');
    const browser = new InjectBrowser(server);
    await browser.get('/signup');
    const known = await browser.post('/signup', {
      name: 'X',
      email: 'lin@example.com',
      password,
      organisation: 'X Co',
    });
    const fresh = await browser.post('/signup', {
      name: 'Y',
      email: 'yan@example.com',
      password,
      organisation: 'Y Co',
    });
    expect([known.statusCode, known.headers.location]).toEqual([fresh.statusCode, fresh.headers.location]);
    expect((await sink.next('lin@example.com')).subject).toBe('You already have a WAOOAW account');
    expect((await sink.next('yan@example.com')).subject).toBe('Verify your email address for WAOOAW');

    await browser.get('/reset-password');
    const resetKnown = await browser.post('/reset-password', { email: 'lin@example.com' });
    const resetUnknown = await browser.post('/reset-password', { email: 'nobody-here@example.com' });
    expect([resetKnown.statusCode, resetKnown.headers.location, resetKnown.body]).toEqual([
      resetUnknown.statusCode,
      resetUnknown.headers.location,
      resetUnknown.body,
    ]);
    expect((await sink.next('lin@example.com')).subject).toBe('Reset your WAOOAW password');
    const sent = await browser.get('/reset-password/sent');
    expect(sent.body).toContain('If an account uses the address you gave');
  });

  it('answers a wrong password and an unknown address with the same page', async () => {
    await signedUp(server, 'kay@example.com', 'Kay Co');
    const browser = new InjectBrowser(server);
    await browser.get('/login');
    const wrong = await browser.post('/login', { email: 'kay@example.com', password: 'not the password' });
    const unknown = await browser.post('/login', {
      email: 'kay@example.com'.replace('kay', 'kai'),
      password: 'not the password',
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('The email address or the password is wrong.');
    expect(sameness(unknown.body).replace('kai@', 'kay@')).toBe(sameness(wrong.body));
    expect(browser.cookies.has('wow_session')).toBe(false);
  });

  it('rotates the session on sign-in and ends it on sign-out', async () => {
    const browser = await signedUp(server, 'rot@example.com', 'Rot Co');
    const first = browser.cookies.get('wow_session');
    await browser.get('/login');
    // A signed-in browser is sent on; sign in again from a fresh form to see the rotation.
    const again = new InjectBrowser(server);
    again.cookies.set('wow_session', first ?? '');
    await again.get('/reset-password');
    const res = await again.post('/login', { email: 'rot@example.com', password });
    expect(res.headers.location).toBe('/account');
    const second = again.cookies.get('wow_session');
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    // The old session is over: a stolen pre-login cookie opens nothing.
    expect((await browser.get('/account')).statusCode).toBe(303);
    const out = await again.post('/logout', {});
    expect(out.headers.location).toBe('/login?notice=signed-out');
    expect(again.cookies.has('wow_session')).toBe(false);
    const after = new InjectBrowser(server);
    after.cookies.set('wow_session', second ?? '');
    const redirect = await after.get('/account');
    expect([redirect.statusCode, redirect.headers.location]).toEqual([303, '/login?next=%2Faccount']);
  });

  it('refuses an expired link and a reused one, saying which', async () => {
    const browser = new InjectBrowser(server);
    await browser.get('/signup');
    await browser.post('/signup', { name: 'Exp', email: 'exp@example.com', password, organisation: 'Exp Co' });
    const token = tokenIn((await sink.next('exp@example.com')).text, '/verify-email');
    const saved = now;
    now = new Date(now.getTime() + 49 * 3600_000);
    try {
      await browser.get(`/verify-email?token=${token}`);
      const expired = await browser.post('/verify-email', { token });
      expect(expired.statusCode).toBe(400);
      expect(expired.body).toContain('This link does not work');
      expect(expired.body).toContain('expired at 2026-12-03 09:00 UTC');
    } finally {
      now = saved;
    }
    const other = await signedUp(server, 'once@example.com', 'Once Co');
    await other.get('/reset-password');
    await other.post('/reset-password', { email: 'once@example.com' });
    const reset = tokenIn((await sink.next('once@example.com')).text, '/reset-password/new');
    await other.get(`/reset-password/new?token=${reset}`);
    expect(
      (await other.post('/reset-password/new', { token: reset, password: 'a new long passphrase' })).statusCode,
    ).toBe(303);
    const reused = await other.post('/reset-password/new', { token: reset, password: 'yet another passphrase' });
    expect(reused.statusCode).toBe(400);
    expect(reused.body).toContain('was used already');
  });

  it('a password reset signs out every other browser, and signs this one in', async () => {
    const laptop = await signedUp(server, 'rae@example.com', 'Rae Co');
    expect((await laptop.get('/account')).statusCode).toBe(200);
    const phone = new InjectBrowser(server);
    await phone.get('/reset-password');
    await phone.post('/reset-password', { email: 'rae@example.com' });
    const token = tokenIn((await sink.next('rae@example.com')).text, '/reset-password/new');
    await phone.get(`/reset-password/new?token=${token}`);
    const short = await phone.post('/reset-password/new', { token, password: 'short' });
    expect(short.statusCode).toBe(422);
    expect(short.body).toContain('at least 12 characters');
    const done = await phone.post('/reset-password/new', { token, password: 'a brand new passphrase' });
    expect(done.headers.location).toBe('/account?notice=password');
    expect((await phone.get('/account')).statusCode).toBe(200);
    expect((await laptop.get('/account')).statusCode).toBe(303);
    await laptop.get('/login');
    expect((await laptop.post('/login', { email: 'rae@example.com', password })).statusCode).toBe(401);
    expect(
      (await laptop.post('/login', { email: 'rae@example.com', password: 'a brand new passphrase' })).statusCode,
    ).toBe(303);
  });

  it('invites a member, who accepts once; the last owner can neither step down nor leave', async () => {
    const owner = await signedUp(server, 'olga@example.com', 'Olga Org');
    const page = await owner.get('/orgs/olga-org');
    expect(page.body).toContain('<h2>Invite someone</h2>');
    const sent = await owner.post('/orgs/olga-org/invitations', { email: 'pat@example.com', role: 'member' });
    expect(sent.headers.location).toBe('/orgs/olga-org?notice=invited');
    const token = tokenIn((await sink.next('pat@example.com')).text, '/invitations/accept');

    const pat = await signedUp(server, 'pat@example.com', 'Pat Org');
    const offer = await pat.get(`/invitations/accept?token=${token}`);
    expect(offer.body).toContain('<button type="submit">Join Olga Org</button>');
    const joined = await pat.post('/invitations/accept', { token });
    expect(joined.headers.location).toBe('/orgs/olga-org?notice=joined');
    expect((await pat.post('/invitations/accept', { token })).statusCode).toBe(400);
    // A member sees the list, not the owners' forms.
    const asMember = await pat.get('/orgs/olga-org');
    expect(asMember.body).toContain('pat@example.com');
    expect(asMember.body).not.toContain('Invite someone');

    const olgaId = (
      await store.query<{ id: string }>("select id from commerce_users where email_key = 'olga@example.com'")
    ).rows[0]?.id;
    await owner.get('/orgs/olga-org');
    const demote = await owner.post(`/orgs/olga-org/members/${olgaId ?? ''}/role`, { role: 'member' });
    expect(demote.statusCode).toBe(409);
    expect(demote.body).toContain('the last owner of &quot;Olga Org&quot;');
    const leave = await owner.post(`/orgs/olga-org/members/${olgaId ?? ''}/remove`, {});
    expect(leave.statusCode).toBe(409);
    // A member may not change roles; a stranger does not see the organisation at all.
    const patId = (
      await store.query<{ id: string }>("select id from commerce_users where email_key = 'pat@example.com'")
    ).rows[0]?.id;
    await pat.get('/orgs/olga-org');
    expect((await pat.post(`/orgs/olga-org/members/${patId ?? ''}/role`, { role: 'owner' })).statusCode).toBe(403);
    const stranger = await signedUp(server, 'sam@example.com', 'Sam Org');
    expect((await stranger.get('/orgs/olga-org')).statusCode).toBe(404);
    // A member id that is no id at all, from a hand-made URL: not a member, never a failure.
    await owner.get('/orgs/olga-org');
    const bogus = await owner.post('/orgs/olga-org/members/not-a-uuid/role', { role: 'owner' });
    expect(bogus.statusCode).toBe(404);
    expect(bogus.body).toContain('has no such member');
  });

  it('keeps sign-in to paths of this site only', async () => {
    const login = await new InjectBrowser(server).get('/login?next=//evil.example/');
    expect(login.body).not.toContain('evil.example');
    const local = await new InjectBrowser(server).get('/login?next=/orgs/x');
    expect(local.body).toContain('name="next" value="/orgs/x"');
  });
});

describe('sign-in rate limits', () => {
  it('per account: failures past the limit answer 429 with Retry-After and a page, even for the right password', async () => {
    const server = await startServer({ ACCOUNTS_LOGIN_PER_ACCOUNT: '3', ACCOUNTS_LOGIN_PER_IP: '100' });
    await signedUp(server, 'lim@example.com', 'Lim Co');
    const browser = new InjectBrowser(server);
    await browser.get('/login');
    for (let i = 0; i < 3; i++)
      expect((await browser.post('/login', { email: 'LIM@example.com', password: `wrong ${i}` })).statusCode).toBe(401);
    const limited = await browser.post('/login', { email: 'lim@example.com', password });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body).toContain('Too many attempts');
    // Another account from the same address is not held up.
    await signedUp(server, 'other@example.com', 'Other Co');
    expect((await browser.post('/login', { email: 'other@example.com', password })).statusCode).toBe(303);
  });

  it('per client address: every attempt counts, whatever the account', async () => {
    const server = await startServer({ ACCOUNTS_LOGIN_PER_IP: '4', ACCOUNTS_LOGIN_PER_ACCOUNT: '100' });
    const browser = new InjectBrowser(server);
    await browser.get('/login');
    for (let i = 0; i < 4; i++)
      expect(
        (await browser.post('/login', { email: `u${i}@example.com`, password: 'whatever it is' })).statusCode,
      ).toBe(401);
    const limited = await browser.post('/login', { email: 'u9@example.com', password: 'whatever it is' });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
  });

  it('counts in Redis when REDIS_URL is set, shared by every server', async () => {
    const prefix = `${uniqueName('acct')}:`;
    const env = { REDIS_URL: testRedisUrl, BUS_KEY_PREFIX: prefix, ACCOUNTS_LOGIN_PER_IP: '2' };
    const [one, two] = [await startServer(env), await startServer(env)];
    const a = new InjectBrowser(one);
    const b = new InjectBrowser(two);
    await a.get('/login');
    await b.get('/login');
    expect((await a.post('/login', { email: 'r1@example.com', password: 'whatever it is' })).statusCode).toBe(401);
    expect((await b.post('/login', { email: 'r2@example.com', password: 'whatever it is' })).statusCode).toBe(401);
    expect((await a.post('/login', { email: 'r3@example.com', password: 'whatever it is' })).statusCode).toBe(429);
    const redis = new Redis(testRedisUrl);
    expect((await redis.keys(`${prefix}accounts-limit:*`)).length).toBeGreaterThan(0);
    redis.disconnect();
    await deleteRedisKeys(prefix);
  });
});

describe('without SMTP and over TLS', () => {
  it('says a sign-up cannot be verified without SMTP_URL, and creates nothing', async () => {
    const server = await startServer({}, { smtp: false });
    const browser = new InjectBrowser(server);
    await browser.get('/signup');
    const res = await browser.post('/signup', { name: 'N', email: 'nosmtp@example.com', password, organisation: 'N' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('SMTP_URL is not set');
    expect(
      (await store.query("select 1 from commerce_users where email_key = 'nosmtp@example.com'")).rows,
    ).toHaveLength(0);
  });

  it('sets __Host- cookies, Secure, HttpOnly and SameSite=Lax, when the public URL is https', async () => {
    const server = await startServer({ PUBLIC_URL: 'https://waooaw.example' });
    const res = await server.inject({ method: 'GET', url: '/signup' });
    const csrf = res.cookies.find((c) => c.name === '__Host-wow_csrf');
    expect(csrf).toMatchObject({ path: '/', httpOnly: true, secure: true, sameSite: 'Lax' });
    expect(csrf?.domain).toBeUndefined();
    const browser = new InjectBrowser(server);
    await browser.get('/signup');
    await browser.post('/signup', { name: 'Tls', email: 'tls@example.com', password, organisation: 'Tls' });
    const mail = await sink.next('tls@example.com');
    expect(mail.text).toContain('https://waooaw.example/verify-email?token=');
    await browser.get('/verify-email');
    const verified = await server.inject({
      method: 'POST',
      url: '/verify-email',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
      payload: new URLSearchParams({ _csrf: browser.csrf, token: tokenIn(mail.text, '/verify-email') }).toString(),
    });
    const session = verified.cookies.find((c) => c.name === '__Host-wow_session');
    expect(session).toMatchObject({ path: '/', httpOnly: true, secure: true, sameSite: 'Lax' });
  });
});

describe('operators sign in with GitHub', () => {
  let server: FastifyInstance;
  beforeAll(async () => {
    server = await startServer();
  });

  /** Follows the server to GitHub and GitHub back, as the browser does; returns the callback's answer. */
  async function signInThroughGitHub(browser: InjectBrowser, tamper?: (callback: URL) => void) {
    const start = await browser.get('/auth/github');
    expect(start.statusCode).toBe(302);
    const authorize = new URL(start.headers.location ?? '');
    expect(`${authorize.origin}${authorize.pathname}`).toBe('https://github.com/login/oauth/authorize');
    expect(authorize.searchParams.get('client_id')).toBe(github.oauth.clientId);
    expect(authorize.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const back = await github.fetch(authorize.href, { redirect: 'manual' });
    const callback = new URL(back.headers.get('location') ?? '');
    tamper?.(callback);
    return browser.get(`${callback.pathname}${callback.search}`);
  }

  it('shows /ops to a member of the team, and nobody else', async () => {
    const browser = new InjectBrowser(server);
    const away = await browser.get('/ops');
    expect([away.statusCode, away.headers.location]).toEqual([303, '/ops/sign-in']);
    expect((await browser.get('/ops/sign-in')).body).toContain(
      '<a class="button" href="/auth/github">Sign in with GitHub</a>',
    );
    const res = await signInThroughGitHub(browser);
    expect([res.statusCode, res.headers.location]).toEqual([303, '/ops']);
    const ops = await browser.get('/ops');
    expect(ops.statusCode).toBe(200);
    expect(ops.body).toContain('<h1>Operations</h1>');
    expect(ops.body).toContain('octo-operator');
    expect(github.callsTo('GET /orgs/{org}/teams/{team_slug}/memberships/{username}').at(-1)?.params).toMatchObject({
      org: 'acme',
      team_slug: 'waooaw-ops',
      username: 'octo-operator',
    });
    expect(github.violations).toEqual([]);
    // An operator's session is no customer's.
    expect((await browser.get('/account')).statusCode).toBe(303);
    await browser.get('/ops');
    expect((await browser.post('/ops/sign-out', {})).headers.location).toBe('/ops/sign-in');
    expect((await browser.get('/ops')).statusCode).toBe(303);
  });

  it('refuses someone outside the team, a forged state and a reused code', async () => {
    github.oauth.signedIn = 'stranger';
    try {
      const outsider = await signInThroughGitHub(new InjectBrowser(server));
      expect(outsider.statusCode).toBe(403);
      expect(outsider.body).toContain(
        'The GitHub account stranger is not an active member of the team acme/waooaw-ops',
      );
    } finally {
      github.oauth.signedIn = 'octo-operator';
    }
    const forged = await signInThroughGitHub(new InjectBrowser(server), (cb) => cb.searchParams.set('state', 'forged'));
    expect(forged.statusCode).toBe(400);
    expect(forged.body).toContain('GitHub sign-in failed');
    // A callback in a browser that never started a sign-in (a link sent by someone else).
    let code = '';
    await signInThroughGitHub(new InjectBrowser(server), (cb) => {
      code = cb.searchParams.get('code') ?? '';
      cb.searchParams.set('code', 'spent');
    });
    const noCookie = await new InjectBrowser(server).get(`/auth/github/callback?code=${code}&state=x`);
    expect(noCookie.statusCode).toBe(400);
    expect(noCookie.body).toContain('no sign-in in progress');
  });
});
