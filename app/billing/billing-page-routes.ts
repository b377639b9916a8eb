import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isWowError } from '#platform';
import { cancelAtPeriodEnd, changePlan, listInvoices, subscribe, subscriptionsOf, timeZoneOf } from '#domains/commerce';
import { seeOther, sendPage } from '../accounts/accounts-context.ts';
import { formFields } from '../accounts/form-fields.ts';
import { agentForSale, agentsFor, assertOwner, pagePayer, type BillingContext, type Payer } from './billing-context.ts';
import { renderBilling } from './billing-pages.ts';
import { sendInvoicePdf } from './invoice-download.ts';

const notices: Record<string, string> = {
  subscribed: 'Subscribed. The first month is invoiced below.',
  plan: 'The plan is changed; the difference for the rest of the period is invoiced or kept as credit.',
  cancelled: 'The subscription ends at the end of the period; the agent works until then.',
  kept: 'The subscription goes on renewing.',
};

// Refusals an owner can act on are shown on the page itself, above the forms.
const shownOnPage = new Set([
  'WOW_ERR_ALREADY_SUBSCRIBED',
  'WOW_ERR_PLAN_UNKNOWN',
  'WOW_ERR_SUBSCRIPTION_STATE',
  'WOW_ERR_SUBSCRIPTION_NOT_FOUND',
  'WOW_ERR_AGENT_NOT_SOLD',
  'WOW_ERR_NOT_OWNER',
]);

type SlugRequest = FastifyRequest<{ Params: { slug: string; agentId?: string } }>;

/**
 * The billing pages of a signed-in organisation: `/orgs/:slug/billing` with forms to
 * subscribe, change plan and cancel (owners; CSRF-checked like the accounts' forms), and
 * `/orgs/:slug/invoices/:number.pdf` for its members.
 */
export function billingPageRoutes(app: FastifyInstance, ctx: BillingContext): void {
  const csrf = { preHandler: app.csrfProtection.bind(app) };

  const billingPage = async (req: SlugRequest, reply: FastifyReply, payer: Payer, status: number, problem?: string) => {
    const notice = (req.query as { notice?: unknown }).notice;
    return sendPage(
      reply,
      status,
      renderBilling({
        user: payer.user as NonNullable<Payer['user']>,
        payer,
        pricing: ctx.terms.pricing,
        agents: agentsFor(ctx, payer.organisationId).sort((a, b) => a.name.localeCompare(b.name)),
        subscriptions: await subscriptionsOf(ctx.store, payer.organisationId),
        invoices: await listInvoices(ctx.store, { organisationId: payer.organisationId, limit: 100 }),
        timeZone: await timeZoneOf(ctx.store, payer.organisationId, ctx.terms.pricing),
        csrf: reply.generateCsrf(),
        notice: typeof notice === 'string' ? notices[notice] : undefined,
        problem,
      }),
    );
  };

  /** An owner's change, then back to the page with its notice, or the page again with the refusal. */
  const ownerAction =
    (notice: string, act: (payer: Payer, req: SlugRequest) => Promise<unknown>) =>
    async (req: SlugRequest, reply: FastifyReply) => {
      const payer = await pagePayer(ctx, req, req.params.slug);
      try {
        assertOwner(payer);
        await act(payer, req);
      } catch (err) {
        if (isWowError(err) && shownOnPage.has(err.code))
          return billingPage(req, reply, payer, err.status, err.message);
        throw err;
      }
      return seeOther(reply, `/orgs/${encodeURIComponent(payer.slug)}/billing?notice=${notice}`);
    };

  app.get<{ Params: { slug: string } }>('/orgs/:slug/billing', async (req, reply) =>
    billingPage(req, reply, await pagePayer(ctx, req, req.params.slug), 200),
  );

  app.post<{ Params: { slug: string } }>(
    '/orgs/:slug/billing/subscribe',
    csrf,
    ownerAction('subscribed', async (payer, req) => {
      const [agentId = '', planId] = (formFields(req.body).choice ?? '').split(':');
      await subscribe(ctx.store, ctx.terms, {
        organisationId: payer.organisationId,
        agent: agentForSale(ctx, agentId, payer.organisationId),
        planId,
        now: ctx.clock(),
      });
    }),
  );

  app.post<{ Params: { slug: string; agentId: string } }>(
    '/orgs/:slug/billing/:agentId/plan',
    csrf,
    ownerAction('plan', async (payer, req) => {
      await changePlan(ctx.store, ctx.terms, {
        organisationId: payer.organisationId,
        agent: agentForSale(ctx, req.params.agentId ?? '', payer.organisationId),
        planId: formFields(req.body).planId ?? '',
        now: ctx.clock(),
      });
    }),
  );

  for (const [path, cancel] of [
    ['cancel', true],
    ['keep', false],
  ] as const)
    app.post<{ Params: { slug: string; agentId: string } }>(
      `/orgs/:slug/billing/:agentId/${path}`,
      csrf,
      ownerAction(cancel ? 'cancelled' : 'kept', async (payer, req) => {
        await cancelAtPeriodEnd(ctx.store, {
          organisationId: payer.organisationId,
          agentId: agentForSale(ctx, req.params.agentId ?? '', payer.organisationId).id,
          cancel,
          now: ctx.clock(),
        });
      }),
    );

  app.get<{ Params: { slug: string; file: string } }>('/orgs/:slug/invoices/:file', async (req, reply) =>
    sendInvoicePdf(ctx, reply, await pagePayer(ctx, req, req.params.slug), req.params.file.replace(/\.pdf$/, '')),
  );
}
