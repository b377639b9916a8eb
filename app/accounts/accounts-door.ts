import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsync } from 'fastify';
import type { Redis } from 'ioredis';
import { isWowError, type Logger, type Store } from '#platform';
import type { AccountMail, AccountSettings } from '#domains/commerce';
import type { OpsFigures } from '../ops/ops-figures.ts';
import { accountCookies } from './account-cookies.ts';
import { sendPage, type AccountsContext } from './accounts-context.ts';
import { customerRoutes } from './customer-routes.ts';
import { sendPageProblem, useAccountForms } from './form-door.ts';
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
  /** SUPPORT_SECRETS_KEY, which seals the webhook secrets owners set on their organisation's page. */
  secretsKey?: Buffer | undefined;
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
  await useAccountForms(app, cookies);
  await app.register(fastifyRateLimit, {
    global: false,
    cache: 20_000,
    ...(opts.redis === undefined ? {} : { redis: opts.redis, nameSpace: `${opts.redisPrefix}accounts-limit:` }),
  });

  const ctx: AccountsContext = {
    app,
    store: opts.store,
    settings: opts.settings,
    cookies,
    publicUrl: opts.publicUrl.replace(/\/$/, ''),
    clock: opts.clock,
    log: opts.log,
    githubFetch: opts.githubFetch,
    secretsKey: opts.secretsKey,
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
    if (isWowError(err, 'WOW_ERR_TOO_MANY_ATTEMPTS')) {
      const seconds = Number(err.data?.retryAfterSeconds ?? 900);
      void reply.header('Retry-After', String(seconds));
      return sendPage(reply, 429, renderTooManyAttempts(seconds, { href: '/login', label: 'Back to sign-in' }));
    }
    if (isWowError(err, 'WOW_ERR_OPERATOR_NOT_IN_TEAM') || isWowError(err, 'WOW_ERR_OPERATOR_SIGN_IN'))
      return sendPage(reply, err.status, renderOperatorSignIn({ missing: undefined, problem: err.message }));
    if (isWowError(err, 'WOW_ERR_EMAIL_OFF') || isWowError(err, 'WOW_ERR_OPERATOR_SIGN_IN_OFF'))
      return sendPage(
        reply,
        503,
        renderProblem({ title: 'Not available on this server', text: err.message, back: { href: '/', label: 'Home' } }),
      );
    return sendPageProblem(err, req, reply, { href: '/account', label: 'Back to your account' }, 'accounts');
  });
};
