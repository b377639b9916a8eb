import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger, Store } from '#platform';
import {
  commerceErrors,
  findSession,
  getUser,
  type AccountMail,
  type AccountSettings,
  type LinkOptions,
  type User,
} from '#domains/commerce';
import type { AccountCookies } from './account-cookies.ts';

/** What the accounts' routes share: the store, settings, cookies, mail, the clock and page sending. */
export interface AccountsContext {
  app: FastifyInstance;
  store: Store;
  settings: AccountSettings;
  cookies: AccountCookies;
  publicUrl: string;
  clock: () => Date;
  log: Logger;
  /** Sends a mail in the background (undefined without SMTP_URL): the answer never waits on SMTP nor differs by it. */
  sendMail: ((mail: AccountMail) => void) | undefined;
  /** For tests: GitHub's side of the operators' sign-in. */
  githubFetch: typeof fetch | undefined;
  /** SUPPORT_SECRETS_KEY: an organisation's webhook secret is stored sealed with it (unset: no webhook can be set). */
  secretsKey: Buffer | undefined;
}

export const linkOptions = (ctx: AccountsContext, ttlSeconds: number): LinkOptions => ({
  now: ctx.clock(),
  publicUrl: ctx.publicUrl,
  ttlSeconds,
});

/** Sends the mail, or refuses the action with WOW_ERR_EMAIL_OFF when no SMTP is set. */
export function mailer(ctx: AccountsContext, action: string): (mail: AccountMail) => void {
  if (ctx.sendMail === undefined) throw commerceErrors.createError('WOW_ERR_EMAIL_OFF', { action });
  return ctx.sendMail;
}

/** The signed-in customer, or undefined (no cookie, an ended or expired session, an operator's). */
export async function currentUser(ctx: AccountsContext, req: FastifyRequest): Promise<User | undefined> {
  const secret = ctx.cookies.readSession(req);
  if (secret === undefined) return undefined;
  const session = await findSession(ctx.store, secret, ctx.clock());
  return session === undefined || !('userId' in session.subject)
    ? undefined
    : getUser(ctx.store, session.subject.userId);
}

/** The signed-in operator's GitHub login, or undefined. */
export async function currentOperator(ctx: AccountsContext, req: FastifyRequest): Promise<string | undefined> {
  const secret = ctx.cookies.readSession(req);
  if (secret === undefined) return undefined;
  const session = await findSession(ctx.store, secret, ctx.clock());
  return session !== undefined && 'operatorLogin' in session.subject ? session.subject.operatorLogin : undefined;
}

/** The signed-in customer, or WOW_ERR_SESSION_REQUIRED (the error handler sends a GET to the sign-in page). */
export async function requireUser(ctx: AccountsContext, req: FastifyRequest): Promise<User> {
  const user = await currentUser(ctx, req);
  if (user === undefined) throw commerceErrors.createError('WOW_ERR_SESSION_REQUIRED', { who: 'customer' });
  return user;
}

export function sendPage(reply: FastifyReply, status: number, page: string): FastifyReply {
  return (
    reply
      .code(status)
      .header('Content-Type', 'text/html; charset=utf-8')
      // As the support form: no script, no outside resource, forms post only here, never framed.
      .header(
        'Content-Security-Policy',
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      )
      .header('X-Content-Type-Options', 'nosniff')
      .header('Referrer-Policy', 'no-referrer')
      .header('Cache-Control', 'no-store')
      .send(page)
  );
}

/** After a POST: 303, so the browser GETs the next page and a reload never posts again. */
export const seeOther = (reply: FastifyReply, location: string): FastifyReply =>
  reply.code(303).header('Location', location).header('Cache-Control', 'no-store').send();
