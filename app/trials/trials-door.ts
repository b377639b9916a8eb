import { resolve } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { loadManifests, type AgentManifest, type Logger, type Store } from '#platform';
import { findSession, getUser, subscriptionStatusFrom, tickTrials, type AccountMail } from '#domains/commerce';
import { accountCookies } from '../accounts/account-cookies.ts';
import { runEvery, sendApiProblem, sendPageProblem, useAccountForms } from '../accounts/form-door.ts';
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
  await useAccountForms(app, cookies);

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

  const send = opts.tick.sendMail ?? (() => Promise.reject(new Error('no mail is configured (SMTP_URL)')));
  runEvery(
    app,
    opts.tick.everySeconds,
    async () => {
      const tick = await tickTrials(opts.store, opts.clock(), {
        agents: await ctx.agents(),
        subscriptionStatus: subscriptionStatusFrom(opts.store),
        sendMail: send,
        publicUrl: opts.publicUrl,
      });
      if (tick.failed.length > 0)
        opts.log.warn({ failed: tick.failed }, 'trial reminders or ends failed; the next tick tries them again');
    },
    { log: opts.log, message: 'the trials tick failed; it runs again at the next one' },
  );

  app.setErrorHandler((err, req, reply) =>
    req.url.startsWith('/api/')
      ? sendApiProblem(err, req, reply, 'trials API')
      : sendPageProblem(err, req, reply, { href: '/agents', label: 'Back to the agents' }, 'trials page'),
  );
};
