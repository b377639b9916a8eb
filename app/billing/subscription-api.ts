import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  billingErrors,
  cancelAtPeriodEnd,
  changePlan,
  listInvoices,
  plansFor,
  subscribe,
  subscriptionsOf,
  timeZoneSchema,
  type Invoice,
} from '#domains/commerce';
import { readJsonBody } from '../tickets/read-json-body.ts';
import { agentForSale, agentsFor, apiPayer, assertOwner, type BillingContext } from './billing-context.ts';
import { sendInvoicePdf } from './invoice-download.ts';
import { subscriptionChangedResponseSchema, subscriptionListResponseSchema } from './subscription-api-schema.ts';

const request = z.strictObject({
  organisation: z.string().max(100).optional(),
  action: z.enum(['subscribe', 'change_plan', 'cancel', 'keep']).default('subscribe'),
  agentId: z.string().min(1).max(64),
  planId: z.string().max(20).optional(),
  timeZone: timeZoneSchema.optional(),
});

const invoiceView = (i: Invoice) => ({ ...i, pdf: `/api/invoices/${encodeURIComponent(i.number)}.pdf` });

/**
 * The subscriptions API, with a `wow_sk_` key or the accounts' session: `GET /api/subscriptions`
 * (the organisation's subscriptions, plans for hire and invoices), `POST /api/subscriptions`
 * (`action`: subscribe, change_plan, cancel at period end, keep — owners only), and
 * `GET /api/invoices/:number.pdf`.
 */
export function subscriptionApi(app: FastifyInstance, ctx: BillingContext): void {
  app.get(
    '/api/subscriptions',
    {
      schema: {
        summary: "The organisation's subscriptions, the plans for hire and its invoices",
        tags: ['billing'],
        response: { 200: subscriptionListResponseSchema },
      },
    },
    async (req) => {
      const organisation = (req.query as { organisation?: unknown }).organisation;
      const payer = await apiPayer(ctx, req, typeof organisation === 'string' ? organisation : undefined);
      return {
        organisation: payer.slug,
        subscriptions: await subscriptionsOf(ctx.store, payer.organisationId),
        plans: agentsFor(ctx, payer.organisationId).map((a) => ({
          agentId: a.id,
          plans: plansFor(ctx.terms.pricing, a.priceTier),
        })),
        tax: ctx.terms.pricing.tax,
        invoices: (await listInvoices(ctx.store, { organisationId: payer.organisationId, limit: 100 })).map(
          invoiceView,
        ),
      };
    },
  );

  app.post(
    '/api/subscriptions',
    {
      schema: {
        summary: 'Subscribe to an agent, change its plan, cancel at the period end or keep it (owners only)',
        description:
          'JSON body: agentId, action (subscribe, change_plan, cancel, keep; subscribe if not given), planId, timeZone, ' +
          'organisation (with a session, when you belong to several). Subscribing answers 201, a change 200.',
        tags: ['billing'],
        response: { 200: subscriptionChangedResponseSchema, 201: subscriptionChangedResponseSchema },
      },
    },
    async (req, reply) => {
      const parsed = request.safeParse(readJsonBody(req.body, req.headers['content-type']));
      if (!parsed.success)
        throw billingErrors.createError('WOW_ERR_BILLING_INPUT', {
          problems: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
        });
      const body = parsed.data;
      const payer = await apiPayer(ctx, req, body.organisation);
      assertOwner(payer);
      const agent = agentForSale(ctx, body.agentId, payer.organisationId);
      const now = ctx.clock();
      const input = { organisationId: payer.organisationId, agent, now };
      if (body.action === 'cancel' || body.action === 'keep')
        return {
          subscription: await cancelAtPeriodEnd(ctx.store, {
            ...input,
            agentId: agent.id,
            cancel: body.action === 'cancel',
          }),
        };
      if (body.action === 'change_plan') {
        if (body.planId === undefined)
          throw billingErrors.createError('WOW_ERR_BILLING_INPUT', { problems: 'planId: name the plan to change to' });
        const changed = await changePlan(ctx.store, ctx.terms, { ...input, planId: body.planId });
        return { subscription: changed.subscription, invoice: changed.invoice && invoiceView(changed.invoice) };
      }
      const started = await subscribe(ctx.store, ctx.terms, { ...input, planId: body.planId, timeZone: body.timeZone });
      return reply
        .code(201)
        .send({ subscription: started.subscription, invoice: started.invoice && invoiceView(started.invoice) });
    },
  );

  app.get<{ Params: { file: string } }>('/api/invoices/:file', async (req, reply) => {
    const organisation = (req.query as { organisation?: unknown }).organisation;
    const payer = await apiPayer(ctx, req, typeof organisation === 'string' ? organisation : undefined);
    return sendInvoicePdf(ctx, reply, payer, req.params.file.replace(/\.pdf$/, ''));
  });
}
