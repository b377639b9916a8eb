import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { isWowError, type Logger, type Store } from '#platform';
import { runBillingCycle, type BillingTerms } from '#domains/commerce';
import { accountCookies } from '../accounts/account-cookies.ts';
import { sendPage } from '../accounts/accounts-context.ts';
import { renderProblem } from '../accounts/problem-pages.ts';
import { createError } from '../errors.ts';
import { readFormBody } from '../tickets/read-form-body.ts';
import { billingPageRoutes } from './billing-page-routes.ts';
import type { BillingContext } from './billing-context.ts';
import type { AgentForSale } from './sold-agents.ts';
import { subscriptionApi } from './subscription-api.ts';

export interface BillingDoorOptions {
  store: Store;
  terms: BillingTerms;
  agents: Map<string, AgentForSale>;
  /** PUBLIC_URL: https makes the accounts' cookies `__Host-`, and billing reads the same ones. */
  publicUrl: string;
  clock: () => Date;
  log: Logger;
  /** How often the billing cycle (renewals, retries, suspensions) runs in this server; 0: never (tests run it themselves). */
  cycleSeconds: number;
}

/**
 * Billing's doors: the subscriptions API and the organisation's billing pages, with the
 * accounts' session and CSRF cookies (same names, same double-submit secret), and the
 * billing cycle's clock in this server.
 */
export const billingDoor: FastifyPluginAsync<BillingDoorOptions> = async (app, opts) => {
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
  const ctx: BillingContext = {
    store: opts.store,
    terms: opts.terms,
    agents: opts.agents,
    cookies,
    clock: opts.clock,
    log: opts.log,
    supplier: 'WAOOAW',
  };
  subscriptionApi(app, ctx);
  billingPageRoutes(app, ctx);

  if (opts.cycleSeconds > 0) {
    let running: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      running = runBillingCycle(opts.store, opts.terms, opts.clock()).catch((err: unknown) =>
        opts.log.error({ err }, 'the billing cycle failed; it runs again at the next tick'),
      );
    }, opts.cycleSeconds * 1000);
    timer.unref();
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await running;
    });
  }

  app.setErrorHandler((err, req, reply) =>
    req.url.startsWith('/api/') ? apiError(err, req, reply) : pageError(err, req, reply),
  );
};

function apiError(err: unknown, req: FastifyRequest, reply: FastifyReply) {
  const status = isWowError(err) ? err.status : ((err as { statusCode?: number }).statusCode ?? 500);
  if (status >= 500) {
    req.log.error({ err, requestId: req.id }, 'subscriptions API request failed');
    const internal = createError('WOW_ERR_INTERNAL', { requestId: req.id });
    return reply
      .code(status)
      .send({ code: internal.code, message: internal.message, requestId: req.id, retryable: true });
  }
  if (status === 401) void reply.header('WWW-Authenticate', 'Bearer realm="waooaw"');
  return reply.code(status).send({
    code: (err as { code?: string }).code ?? 'WOW_ERR_UNEXPECTED',
    message: (err as Error).message,
    retryable: isWowError(err) ? err.retryable : false,
  });
}

function pageError(err: unknown, req: FastifyRequest, reply: FastifyReply) {
  const code = (err as { code?: string }).code;
  const back = { href: '/account', label: 'Back to your account' };
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
  if (isWowError(err, 'WOW_ERR_SESSION_REQUIRED'))
    return req.method === 'GET'
      ? reply
          .code(303)
          .header('Location', `/login?next=${encodeURIComponent(req.url)}`)
          .send()
      : sendPage(
          reply,
          401,
          renderProblem({ title: 'You are signed out', text: err.message, back: { href: '/login', label: 'Sign in' } }),
        );
  if (isWowError(err) && err.status < 500)
    return sendPage(reply, err.status, renderProblem({ title: 'That did not work', text: err.message, back }));
  req.log.error({ err, requestId: req.id }, 'billing page failed');
  return sendPage(
    reply,
    500,
    renderProblem({
      title: 'Something went wrong',
      text: `Something went wrong on our side and nothing was done. Try again; if it keeps failing, tell us the reference ${req.id}.`,
      back,
    }),
  );
}
