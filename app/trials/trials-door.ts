import { resolve } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import type { FastifyPluginAsync } from 'fastify';
import { isWowError, loadManifests, type AgentManifest, type Logger, type Store } from '#platform';
import { findSession, getUser, subscriptionStatusFrom, tickTrials, type AccountMail } from '#domains/commerce';
import { accountCookies } from '../accounts/account-cookies.ts';
import { sendPage } from '../accounts/accounts-context.ts';
import { renderProblem } from '../accounts/problem-pages.ts';
import { readFormBody } from '../tickets/read-form-body.ts';
import { trialApiRoutes } from './trial-api-routes.ts';
import { trialPageRoutes } from './trial-page-routes.ts';
import type { TrialsContext } from './trials-context.ts';

export interface TrialsDoorOptions {
  store: Store;
  /** AGENTS_DIR: the customer-facing agents a trial may be of are read from its manifests, once. */
  agentsDir: string;
  /** PUBLIC_URL: over https, the accounts' cookies are `__Host-` ones. */
  publicUrl: string;
  /** The ticket API's per-organisation limit (SUPPORT_RATE_LIMIT_PER_MINUTE), for calls with a `wow_sk_` key. */
  apiRateLimitPerMinute: number;
  clock: () => Date;
  log: Logger;
  /**
   * The trials' clock in this server: reminders on day 5 and day 7 and the end of each trial,
   * every `everySeconds` (0: never — tests tick themselves). Without a mail sender (no
   * SMTP_URL) trials still end; their reminders wait for one, tried again each tick.
   */
  tick: { everySeconds: number; sendMail: ((mail: AccountMail) => Promise<void>) | undefined };
}

/**
 * The trials' doors: the "Start free trial" page `/agents/:id/trial` (server-rendered, no
 * script, CSRF-protected as the accounts' forms are: the same cookies, the same token) and
 * `GET/POST /api/trials` (a signed-in customer's session or an organisation's `wow_sk_` key).
 */
export const trialsDoor: FastifyPluginAsync<TrialsDoorOptions> = async (app, opts) => {
  const cookies = accountCookies(opts.publicUrl.startsWith('https:'));
  await app.register(fastifyCookie);
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: cookies.names.csrf,
    cookieOpts: cookies.options,
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

  let manifests: Promise<readonly AgentManifest[]> | undefined;
  const ctx: TrialsContext = {
    store: opts.store,
    clock: opts.clock,
    apiRateLimitPerMinute: opts.apiRateLimitPerMinute,
    agents: () => {
      manifests ??= loadManifests(resolve(opts.agentsDir)).then((loaded) => loaded.map((m) => m.manifest));
      // A failed read is not kept: the next request reads again.
      manifests.catch(() => (manifests = undefined));
      return manifests;
    },
    currentUser: async (req) => {
      const secret = cookies.readSession(req);
      if (secret === undefined) return undefined;
      const session = await findSession(opts.store, secret, opts.clock());
      return session === undefined || !('userId' in session.subject)
        ? undefined
        : getUser(opts.store, session.subject.userId);
    },
  };
  trialPageRoutes(app, ctx);
  trialApiRoutes(app, ctx);

  if (opts.tick.everySeconds > 0) {
    const send = opts.tick.sendMail ?? (() => Promise.reject(new Error('no mail is configured (SMTP_URL)')));
    let running: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      running = ctx
        .agents()
        .then((agents) =>
          tickTrials(opts.store, opts.clock(), {
            agents,
            subscriptionStatus: subscriptionStatusFrom(opts.store),
            sendMail: send,
            publicUrl: opts.publicUrl,
          }),
        )
        .then((tick) => {
          if (tick.failed.length > 0)
            opts.log.warn({ failed: tick.failed }, 'trial reminders or ends failed; the next tick tries them again');
        })
        .catch((err: unknown) => opts.log.error({ err }, 'the trials tick failed; it runs again at the next one'));
    }, opts.tick.everySeconds * 1000);
    timer.unref();
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await running;
    });
  }

  app.setErrorHandler((err, req, reply) => {
    const status = isWowError(err) ? err.status : ((err as { statusCode?: number }).statusCode ?? 500);
    if (status >= 500) req.log.error({ err, requestId: req.id }, 'trials request failed');
    if (req.url.startsWith('/api/')) {
      if (status === 401) void reply.header('WWW-Authenticate', 'Bearer realm="waooaw"');
      if (status >= 500)
        return reply.code(status).send({
          code: 'WOW_ERR_INTERNAL',
          message: `Something went wrong on our side and nothing was done. Try again; if it keeps failing, tell us the reference ${req.id}.`,
          requestId: req.id,
        });
      const errors = isWowError(err) ? err.data?.errors : undefined;
      return reply.code(status).send({
        code: (err as { code?: string }).code ?? 'WOW_ERR_UNEXPECTED',
        message: err instanceof Error ? err.message : String(err),
        ...(errors === undefined ? {} : { errors }),
      });
    }
    const code = (err as { code?: string }).code;
    const back = { href: '/agents', label: 'Back to the agents' };
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
    if (isWowError(err) && status < 500)
      return sendPage(reply, status, renderProblem({ title: 'That did not work', text: err.message, back }));
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
