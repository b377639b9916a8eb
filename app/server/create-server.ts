import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import {
  readSharedSettings,
  type Bus,
  type Config,
  type Logger,
  type Metrics,
  type SecretBox,
  type Store,
} from '#platform';
import { integrationSettings } from '../../agents/wowintegration/src/index.ts';
import { createCustomerChannels } from '../../agents/wownotification/src/index.ts';
import { integrationWebhooks } from '../integrations/integration-webhooks.ts';
import {
  accountSettings,
  checkEntitlement,
  settleProviderPayment,
  stripeSettings,
  subscriptionStatusFrom,
  type AccountSettings,
} from '#domains/commerce';
import { accountsDoor } from '../accounts/accounts-door.ts';
import { trialsDoor } from '../trials/trials-door.ts';
import { billingDoor } from '../billing/billing-door.ts';
import { billingDeps, type BillingDeps } from '../billing/billing-deps.ts';
import { stripeWebhook } from '../billing/stripe-webhook.ts';
import { dashboardDoor } from '../dashboard/dashboard-door.ts';
import { supportSettings, type SupportSettings } from '#domains/support';
import { createError } from '../errors.ts';
import { createProbotDoor } from '../probot/create-probot-door.ts';
import { missingCredentialsMessage } from '../probot/missing-credentials-message.ts';
import { readAppEvents } from '../probot/read-app-events.ts';
import { acceptWebhook } from '../webhooks/accept-webhook.ts';
import { didDocuments } from '../identity/did-documents.ts';
import { marketplace } from '../marketplace/marketplace-routes.ts';
import { pricingPage } from '../marketplace/pricing-routes.ts';
import { createOpsFigures } from '../ops/ops-figures.ts';
import { createFastify } from './create-fastify.ts';
import { openApiDocument } from './openapi.ts';
import { opsRoutes } from './ops-routes.ts';
import { supportForm } from '../tickets/support-form.ts';
import { ticketRoutes } from '../tickets/ticket-routes.ts';
import { watchDeskMetrics } from './watch-desk-metrics.ts';
import type { Entitlement, TaskAgent } from '#domains/customer';
import { accountCookies } from '../accounts/account-cookies.ts';
import { loadCustomerAgents } from '../tasks/customer-agents.ts';
import { recordTasks } from '../tasks/record-tasks.ts';
import { agentRequestsDoor } from '../agent-requests/agent-requests-door.ts';
import { recordRequestIssues } from '../agent-requests/record-request-issues.ts';
import { createLocalTaskFeed, createRedisTaskFeed } from '../tasks/task-feed.ts';
import { taskRoutes } from '../tasks/task-routes.ts';

export interface ServerDeps {
  config: Config;
  bus: Bus;
  store: Store;
  log: Logger;
  metrics: Metrics;
  /** The support desk's settings (SUPPORT_*), which `wow start` reads; default: every one unset. */
  support?: SupportSettings;
  /** The rate limits' windows (the ticket API's, the web form's) are read from it; tests pin it. */
  clock?: () => Date;
  /**
   * The platform's secret box (identity.kms.secrets), which opens the webhook secrets of
   * WowIntegration's connectors; without it, no outside API's webhook is taken.
   */
  secrets?: SecretBox;
  /** WowIntegration's settings (WOWINTEGRATION_*); default: read from the environment. */
  integrations?: { dir: string };
  /** Accounts' settings (ACCOUNTS_*, GITHUB_CLIENT_ID/SECRET); default: read from the environment. */
  accounts?: AccountSettings;
  /** For tests: GitHub's web and API answers for operators' sign-in (the GitHub double). */
  githubFetch?: typeof fetch;
  /** For tests: the marketplace's reads of the registry and figures are fresh this long (ms), and its feeds polled this often. */
  marketplace?: { freshMs: number; activityPollMs: number };
  /**
   * Whether an organisation may send an agent tasks. Default: commerce's check, an active
   * trial or a subscription that takes work (domains/commerce/src/entitlements/).
   */
  entitled?: Entitlement;
  /** The agents customers send tasks to; default: the customer-facing manifests under AGENTS_DIR. */
  customerAgents?: () => Promise<ReadonlyMap<string, TaskAgent>>;
  /** Billing's prices, payment provider, agents for hire and cycle; default: config/pricing.yml, the manual driver, AGENTS_DIR. */
  billing?: Partial<BillingDeps>;
  /** How often this server ends trials and mails their reminders (default 300 s; 0: never, tests tick themselves). */
  trialTickSeconds?: number;
  /** For tests: Stripe's webhook endpoint secret; default: STRIPE_WEBHOOK_SECRET, the route absent without it. */
  stripeWebhook?: { secret: string; toleranceSeconds: number };
}

/** The HTTP door: GitHub webhooks, the ticket API and the web form in, health and metrics out. Tests drive it with `inject`. */
export async function createServer(deps: ServerDeps): Promise<FastifyInstance> {
  const { config, bus, metrics } = deps;
  const app = createFastify({ log: deps.log, metrics, trustProxy: config.http.trustProxy });
  // Set before any route: a route keeps the error handler in force when it is added.
  app.setErrorHandler((err, req, reply) => {
    const status =
      (err as { statusCode?: number; status?: number }).statusCode ?? (err as { status?: number }).status ?? 500;
    // A failure on our side says nothing of how we are built (SQL, codes, paths): the
    // detail goes to the log under the request id the answer gives.
    if (status >= 500) {
      req.log.error({ err, requestId: req.id }, 'request failed');
      const internal = createError('WOW_ERR_INTERNAL', { requestId: req.id });
      return reply.code(status).send({ code: internal.code, message: internal.message, requestId: req.id });
    }
    return reply.code(status).send({
      code: (err as { code?: string }).code ?? 'WOW_ERR_UNEXPECTED',
      message: err instanceof Error ? err.message : String(err),
    });
  });
  // Before any route: the API document learns each route as it is added.
  await openApiDocument(app);
  // The signature covers the exact bytes GitHub sent, so the body stays raw.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  // Metric labels must stay few: only events the App subscribes to are named; an
  // unverified request's X-GitHub-Event is a stranger's text and is never a label.
  const subscribed = new Set([...(await readAppEvents()), 'ping']);
  const eventLabel = (name: string | undefined) =>
    name === undefined ? 'unverified' : subscribed.has(name) ? name : 'other';

  // The GitHub App's door, when the App is configured: Probot receives, its app function queues.
  const door =
    config.github === undefined
      ? undefined
      : await createProbotDoor({
          credentials: config.github,
          bus,
          dedupeTtlSeconds: config.webhooks.dedupeTtlSeconds,
          log: deps.log,
        });

  // GitHub caps a delivery at 25 MB; the other routes keep Fastify's 1 MiB.
  app.post('/api/github/webhooks', { bodyLimit: 25 * 1024 * 1024 }, async (req, reply) => {
    if (config.github === undefined || door === undefined) {
      metrics.webhooksReceived.inc({ event: 'unverified', outcome: 'rejected' });
      const err = createError('WOW_ERR_WEBHOOK_INVALID', {
        problem:
          config.webhooks.secret === undefined
            ? "this server has no WEBHOOK_SECRET, so it cannot verify deliveries; set WEBHOOK_SECRET to the App's webhook secret"
            : `this server is not yet the GitHub App that receives them. ${missingCredentialsMessage(config.githubMissing)}`,
      });
      return reply.code(503).send({ code: err.code, message: err.message });
    }
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const outcome = await acceptWebhook(
      { headers: req.headers, body },
      { secret: config.github.webhookSecret, receive: (delivery) => door.receive(delivery) },
    );
    if ('error' in outcome) {
      metrics.webhooksReceived.inc({ event: eventLabel(outcome.event), outcome: 'rejected' });
      if (outcome.error.code === 'WOW_ERR_WEBHOOK_SIGNATURE')
        metrics.securityViolation('webhook_signature', {
          source: 'webhook door',
          reason: 'the X-Hub-Signature-256 does not match the body',
        });
      // The delivery id is a stranger's header until the signature holds: logged, but bounded.
      req.log.warn(
        { code: outcome.error.code, delivery: String(req.headers['x-github-delivery'] ?? '').slice(0, 64) },
        outcome.error.message,
      );
      return reply.code(outcome.status).send({ code: outcome.error.code, message: outcome.error.message });
    }
    metrics.webhooksReceived.inc({
      event: eventLabel(outcome.event),
      outcome: outcome.body.duplicate ? 'duplicate' : 'queued',
    });
    return reply.code(202).send(outcome.body);
  });

  // The support desk's customer doors: the ticket API and the web form.
  const support = deps.support ?? readSharedSettings(supportSettings, {});
  await app.register(ticketRoutes, {
    store: deps.store,
    rateLimitPerMinute: support.rateLimitPerMinute,
    metrics,
    clock: deps.clock ?? (() => new Date()),
    readSession: accountCookies(config.identity.publicUrl.startsWith('https:')).readSession,
  });
  await app.register(supportForm, {
    store: deps.store,
    settings: support.form,
    clock: deps.clock ?? (() => new Date()),
  });

  // Outside APIs' webhooks, verified per connector (WowIntegration's).
  if (deps.secrets !== undefined)
    await app.register(integrationWebhooks, {
      store: deps.store,
      bus,
      metrics,
      secrets: deps.secrets,
      dir: (deps.integrations ?? readSharedSettings(integrationSettings)).dir,
      dedupeTtlSeconds: config.webhooks.dedupeTtlSeconds,
      clock: deps.clock ?? (() => new Date()),
    });

  // The DID documents of the platform and its agents (did:web).
  await app.register(didDocuments, {
    store: deps.store,
    publicUrl: config.identity.publicUrl,
    cacheSeconds: config.identity.publishSeconds,
    clock: deps.clock ?? (() => new Date()),
  });

  // Customers' accounts and operators' sign-in. Their mail goes out as WowNotification's
  // notices do (SMTP_URL, SUPPORT_EMAIL_FROM); their sign-in limits count in Redis when there is one.
  const channels = await createCustomerChannels({ smtpUrl: support.smtpUrl, emailFrom: support.emailFrom });
  const redis = config.redis.url === undefined ? undefined : new Redis(config.redis.url, { maxRetriesPerRequest: 2 });
  app.addHook('onClose', async () => {
    channels.close();
    await redis?.quit();
  });
  const notice = channels.noticeEmail;
  // Billing's prices and provider, read here: the operators' dashboard (in the accounts' door) counts MRR with them.
  const stripe = readSharedSettings(stripeSettings);
  const billing = await billingDeps(deps.billing ?? {}, config.agents.dir, { store: deps.store, stripe: stripe.api });
  await app.register(accountsDoor, {
    store: deps.store,
    settings: deps.accounts ?? readSharedSettings(accountSettings),
    publicUrl: config.identity.publicUrl,
    sendMail:
      notice === undefined
        ? undefined
        : (mail) => notice({ id: mail.id, to: mail.to, subject: mail.subject, body: mail.body }),
    redis,
    redisPrefix: config.bus.keyPrefix,
    opsFigures: createOpsFigures({
      store: deps.store,
      bus,
      agentsDir: config.agents.dir,
      heartbeatTimeoutMs: config.agents.heartbeatTimeoutMs,
      pricing: billing.terms.pricing,
      publicUrl: config.identity.publicUrl,
    }),
    clock: deps.clock ?? (() => new Date()),
    log: deps.log,
    githubFetch: deps.githubFetch,
    secretsKey: support.secretsKey,
  });

  // The marketplace at `/`: the customer-facing agents of AGENTS_DIR, their profiles and figures.
  await app.register(marketplace, {
    store: deps.store,
    bus,
    log: deps.log,
    agentsDir: config.agents.dir,
    heartbeatTimeoutMs: config.agents.heartbeatTimeoutMs,
    clock: deps.clock ?? (() => new Date()),
    publicUrl: config.identity.publicUrl,
    ...deps.marketplace,
  });

  // The plans and the ROI calculator for prospects.
  await app.register(pricingPage, { pricing: billing.terms.pricing, agents: billing.agents });

  // Customers' trials of the customer-facing agents: the "Start free trial" page and /api/trials.
  await app.register(trialsDoor, {
    store: deps.store,
    agentsDir: config.agents.dir,
    publicUrl: config.identity.publicUrl,
    apiRateLimitPerMinute: support.rateLimitPerMinute,
    clock: deps.clock ?? (() => new Date()),
    log: deps.log,
    tick: {
      everySeconds: deps.trialTickSeconds ?? 300,
      sendMail:
        notice === undefined
          ? undefined
          : (mail) => notice({ id: mail.id, to: mail.to, subject: mail.subject, body: mail.body }),
    },
  });

  // Organisations' requests for custom agents, and the questionnaire issues the Factory opens for them.
  await app.register(agentRequestsDoor, {
    store: deps.store,
    publicUrl: config.identity.publicUrl,
    clock: deps.clock ?? (() => new Date()),
  });
  const requestIssues = await recordRequestIssues({
    bus,
    store: deps.store,
    log: deps.log,
    clock: deps.clock ?? (() => new Date()),
  });
  app.addHook('onClose', async () => {
    await requestIssues.stop({ timeoutMs: config.agents.shutdownTimeoutMs });
  });

  // Subscriptions, invoices and their pages (the accounts' sessions), and the billing cycle.
  await app.register(billingDoor, {
    ...billing,
    store: deps.store,
    publicUrl: config.identity.publicUrl,
    clock: deps.clock ?? (() => new Date()),
    log: deps.log,
  });
  // Who takes tasks and who may send them: the task API's and the dashboard's task forms' alike.
  const customerAgents = deps.customerAgents ?? (() => loadCustomerAgents(config.agents.dir));
  const entitled: Entitlement =
    deps.entitled ??
    ((organisationId, agentId, at) =>
      checkEntitlement(
        { db: deps.store, subscriptionStatus: subscriptionStatusFrom(deps.store) },
        organisationId,
        agentId,
        at,
      ));
  // The customer dashboard: hired agents' work, ROI, usage, invoices and tickets (/dashboard, /api/dashboard).
  await app.register(dashboardDoor, {
    store: deps.store,
    agentsDir: config.agents.dir,
    pricing: billing.terms.pricing,
    publicUrl: config.identity.publicUrl,
    apiRateLimitPerMinute: support.rateLimitPerMinute,
    agents: customerAgents,
    entitled,
    clock: deps.clock ?? (() => new Date()),
    log: deps.log,
  });
  // Stripe's later word on a charge it first answered pending (STRIPE_WEBHOOK_SECRET set).
  const stripeHook = deps.stripeWebhook ?? stripe.webhook;
  if (stripeHook !== undefined)
    await app.register(stripeWebhook, {
      store: deps.store,
      webhook: stripeHook,
      metrics,
      clock: deps.clock ?? (() => new Date()),
      onPaymentSettled: async (settlement) => {
        await settleProviderPayment(
          deps.store,
          billing.terms.pricing,
          'stripe',
          settlement,
          (deps.clock ?? (() => new Date()))(),
        );
      },
    });

  // The task API, the recorder of the agents' task events, and the feed of live task states.
  const feed =
    config.redis.url === undefined
      ? createLocalTaskFeed()
      : await createRedisTaskFeed(config.redis.url, `${config.bus.keyPrefix}customer-tasks:changes`);
  const recorder = await recordTasks({ bus, store: deps.store, feed, log: deps.log });
  app.addHook('onClose', async () => {
    await recorder.stop({ timeoutMs: config.agents.shutdownTimeoutMs });
    await feed.close();
  });
  await app.register(taskRoutes, {
    store: deps.store,
    agents: customerAgents,
    entitled,
    feed,
    metrics,
    rateLimitPerMinute: support.rateLimitPerMinute,
    readSession: accountCookies(config.identity.publicUrl.startsWith('https:')).readSession,
    clock: deps.clock ?? (() => new Date()),
  });

  await app.register(opsRoutes, { bus, store: deps.store, metrics });
  watchDeskMetrics(metrics, deps.store);

  await app.ready();
  return app;
}
