import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsync } from 'fastify';
import type { Redis } from 'ioredis';
import { isWowError, type Logger, type Store } from '#platform';
import type { AccountMail, AccountSettings } from '#domains/commerce';
import type { OpsFigures } from '../ops/ops-figures.ts';
import { readFormBody } from '../tickets/read-form-body.ts';
import { accountCookies } from './account-cookies.ts';
import { sendPage, type AccountsContext } from './accounts-context.ts';
import { customerRoutes } from './customer-routes.ts';
import { renderOperatorSignIn } from './operator-pages.ts';
import { operatorRoutes } from './operator-routes.ts';
import { organisationRoutes } from './organisation-routes.ts';
import { renderProblem, renderTooManyAttempts } from './problem-pages.ts';

export interface AccountsDoorOptions {
  store: Store;
  settings: AccountSettings;
  /** The deployment's public origin (PUBLIC_URL): mailed links open it, and https makes the cookies `__Host-`. */
  publicUrl: string;
  /** Sends a mail (undefined without SMTP_URL: sign-up, reset and invitations then say they cannot). */
  sendMail: ((mail: AccountMail) => Promise<void>) | undefined;
  /** With REDIS_URL, the sign-in limits are shared by every server process; without, each counts its own. */
  redis: Redis | undefined;
  redisPrefix: string;
  /** What `/ops` shows: the platform's figures at a moment (app/ops). */
  opsFigures: (now: Date) => Promise<OpsFigures>;
  clock: () => Date;
  log: Logger;
  githubFetch?: typeof fetch | undefined;
}

/**
 * The accounts' web doors, server-rendered and working without JavaScript: customers'
 * sign-up, sign-in, password reset, organisations and invitations, and operators' GitHub
 * sign-in in front of `/ops`. Cookies, CSRF tokens and the sign-in rate limits are set up
 * here, inside this plugin's scope only.
 */
export const accountsDoor: FastifyPluginAsync<AccountsDoorOptions> = async (app, opts) => {
  const secure = opts.publicUrl.startsWith('https:');
  const cookies = accountCookies(secure);
  await app.register(fastifyCookie);
  // The CSRF secret lives in its own cookie (double submit, signed by @fastify/csrf): forms
  // before sign-in (sign-up, sign-in itself) are protected as much as those after.
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: cookies.names.csrf,
    cookieOpts: cookies.options,
  });
  await app.register(fastifyRateLimit, {
    global: false,
    cache: 20_000,
    ...(opts.redis === undefined ? {} : { redis: opts.redis, nameSpace: `${opts.redisPrefix}accounts-limit:` }),
  });
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer', bodyLimit: 16 * 1024 },
    (_req, body, done) => {
      try {
        done(null, readFormBody(body as Buffer));
      } catch (err) {
        done(err as Error);
      }
    },
  );

  const ctx: AccountsContext = {
    app,
    store: opts.store,
    settings: opts.settings,
    cookies,
    publicUrl: opts.publicUrl.replace(/\/$/, ''),
    clock: opts.clock,
    log: opts.log,
    githubFetch: opts.githubFetch,
    sendMail:
      opts.sendMail === undefined
        ? undefined
        : (mail) => {
            const send = opts.sendMail;
            // Not awaited: a known and an unknown address answer alike, whatever SMTP takes.
            void send?.(mail).catch((err: unknown) =>
              opts.log.error({ err, mail: mail.id }, 'an account mail could not be sent'),
            );
          },
  };
  customerRoutes(ctx);
  organisationRoutes(ctx);
  operatorRoutes(ctx, { figures: opts.opsFigures });

  app.setErrorHandler((err, req, reply) => {
    const back = { href: '/account', label: 'Back to your account' };
    const code = (err as { code?: string }).code;
    if (isWowError(err, 'WOW_ERR_TOO_MANY_ATTEMPTS')) {
      const seconds = Number(err.data?.retryAfterSeconds ?? 900);
      void reply.header('Retry-After', String(seconds));
      return sendPage(reply, 429, renderTooManyAttempts(seconds, { href: '/login', label: 'Back to sign-in' }));
    }
    if (code === 'FST_CSRF_INVALID_TOKEN' || code === 'FST_CSRF_MISSING_SECRET')
      return sendPage(
        reply,
        403,
        renderProblem({
          title: 'The form has expired',
          text: 'The form was not sent from this site, or it was open too long (or cookies are off). Nothing was done. Go back, reload the page and send it again.',
          back,
        }),
      );
    if (isWowError(err, 'WOW_ERR_SESSION_REQUIRED')) {
      // A page asked for while signed out: sign in, then come back to it.
      if (req.method === 'GET')
        return reply
          .code(303)
          .header('Location', `/login?next=${encodeURIComponent(req.url)}`)
          .send();
      return sendPage(
        reply,
        401,
        renderProblem({ title: 'You are signed out', text: err.message, back: { href: '/login', label: 'Sign in' } }),
      );
    }
    if (isWowError(err, 'WOW_ERR_OPERATOR_NOT_IN_TEAM') || isWowError(err, 'WOW_ERR_OPERATOR_SIGN_IN'))
      return sendPage(reply, err.status, renderOperatorSignIn({ missing: undefined, problem: err.message }));
    if (isWowError(err) && err.status < 500)
      return sendPage(
        reply,
        err.status,
        renderProblem({
          title: isWowError(err, 'WOW_ERR_LINK_INVALID') ? 'This link does not work' : 'That did not work',
          text: err.message,
          back,
        }),
      );
    if (isWowError(err, 'WOW_ERR_EMAIL_OFF') || isWowError(err, 'WOW_ERR_OPERATOR_SIGN_IN_OFF'))
      return sendPage(
        reply,
        503,
        renderProblem({ title: 'Not available on this server', text: err.message, back: { href: '/', label: 'Home' } }),
      );
    const status = isWowError(err) ? err.status : ((err as { statusCode?: number }).statusCode ?? 500);
    if (status >= 500) req.log.error({ err, requestId: req.id }, 'accounts request failed');
    return sendPage(
      reply,
      status,
      renderProblem({
        title: status >= 500 ? 'Something went wrong' : 'The request could not be read',
        text:
          status >= 500
            ? `Something went wrong on our side and nothing was done. Try again; if it keeps failing, tell us the reference ${req.id}.`
            : 'The form could not be read. Go back and send it again.',
        back,
      }),
    );
  });
};
