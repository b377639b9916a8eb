import { randomUUID } from 'node:crypto';
import type { PgQueryable, Store } from '#platform';
import { periodOf, wholeSecond } from './billing-calendar.ts';
import { subscriptionChanged } from './billing-events.ts';
import {
  subscriptionColumns,
  toSubscription,
  type Invoice,
  type Subscription,
  type SubscriptionRow,
} from './billing-records.ts';
import { collectInvoice, type BillingTerms } from './collect-payment.ts';
import { createError } from './errors.ts';
import { billingTimeZone, issueInvoice } from './issue-invoice.ts';
import { mulDivRound } from './money.ts';
import { periodLines, planLine } from './period-lines.ts';
import { plansFor, type PlanId } from './pricing.ts';

/** The agent sold: its id and its catalog.priceTier (the door reads them from the agent's manifest). */
export interface SoldAgent {
  id: string;
  priceTier: PlanId;
}

/** A change's outcome: the subscription as it is now, and the invoice it issued (already offered to the provider). */
export interface SubscriptionOutcome {
  subscription: Subscription;
  invoice: Invoice | undefined;
}

function assertPlan(terms: BillingTerms, agent: SoldAgent, planId: string): PlanId {
  const plans = plansFor(terms.pricing, agent.priceTier);
  const plan = plans.find((p) => p.id === planId);
  if (plan === undefined)
    throw createError('WOW_ERR_PLAN_UNKNOWN', {
      plan: planId.slice(0, 40),
      agent: agent.id,
      plans: plans.map((p) => p.id).join(', '),
    });
  return plan.id;
}

async function lockSubscription(tx: PgQueryable, organisationId: string, agentId: string) {
  return (
    await tx.query<SubscriptionRow>(
      `select ${subscriptionColumns} from commerce_subscriptions where organisation_id = $1 and agent_id = $2 for update`,
      [organisationId, agentId],
    )
  ).rows[0];
}

async function reread(tx: PgQueryable, id: string): Promise<Subscription> {
  const { rows } = await tx.query<SubscriptionRow>(
    `select ${subscriptionColumns} from commerce_subscriptions where id = $1`,
    [id],
  );
  return toSubscription(rows[0] as SubscriptionRow);
}

/** Runs the change, then offers the invoice it issued (if any) to the provider, outside the change's transaction. */
async function thenCollect(
  store: Store,
  terms: BillingTerms,
  now: Date,
  change: (tx: PgQueryable) => Promise<{ subscription: Subscription; invoice?: Invoice }>,
): Promise<SubscriptionOutcome> {
  const done = await store.transaction(change);
  if (done.invoice === undefined || done.invoice.status === 'paid')
    return { subscription: done.subscription, invoice: done.invoice };
  const invoice = await collectInvoice(store, terms, done.invoice.id, now);
  return { subscription: await reread(store, done.subscription.id), invoice };
}

/**
 * Subscribes the organisation to the agent on a plan (default: the agent's own tier), from
 * now: at a trial's end or any time. The first month is invoiced at once. One subscription
 * per organisation and agent: a cancelled one starts afresh; a live one refuses
 * (WOW_ERR_ALREADY_SUBSCRIBED), a suspended one waits for its unpaid invoice.
 */
export async function subscribe(
  store: Store,
  terms: BillingTerms,
  input: { organisationId: string; agent: SoldAgent; planId?: string; timeZone?: string; now: Date },
): Promise<SubscriptionOutcome> {
  const planId = assertPlan(terms, input.agent, input.planId ?? input.agent.priceTier);
  const now = wholeSecond(input.now);
  return thenCollect(store, terms, now, async (tx) => {
    if (input.timeZone !== undefined)
      await tx.query(
        `insert into commerce_billing_accounts (organisation_id, time_zone) values ($1, $2)
         on conflict (organisation_id) do update set time_zone = excluded.time_zone`,
        [input.organisationId, input.timeZone],
      );
    else await billingTimeZone(tx, input.organisationId, terms.pricing);
    const existing = await lockSubscription(tx, input.organisationId, input.agent.id);
    if (existing?.status === 'suspended')
      throw createError('WOW_ERR_SUBSCRIPTION_STATE', {
        agent: input.agent.id,
        status: 'suspended',
        action: 'start again',
        fix: 'Pay its unpaid invoice: the subscription resumes when it is paid.',
      });
    if (existing !== undefined && existing.status !== 'cancelled')
      throw createError('WOW_ERR_ALREADY_SUBSCRIBED', {
        agent: input.agent.id,
        plan: existing.plan_id,
        status: existing.status,
      });
    const period = periodOf(now, 0);
    const id = existing?.id ?? randomUUID();
    const credit = Number(existing?.credit_paise ?? 0);
    const { lines, creditUsed } = await periodLines(
      tx,
      terms.pricing,
      { organisationId: input.organisationId, agentId: input.agent.id, planId, creditPaise: credit },
      period,
    );
    await tx.query(
      `insert into commerce_subscriptions (id, organisation_id, agent_id, plan_id, status, anchor_at, period_index,
         current_period_start, current_period_end, cancel_at_period_end, credit_paise, created_at, updated_at)
       values ($1, $2, $3, $4, 'active', $5, 0, $5, $6, false, $7, $5, $5)
       on conflict (organisation_id, agent_id) do update set plan_id = $4, status = 'active', anchor_at = $5, period_index = 0,
         current_period_start = $5, current_period_end = $6, cancel_at_period_end = false, credit_paise = $7, updated_at = $5`,
      [id, input.organisationId, input.agent.id, planId, period.start, period.end, credit - creditUsed],
    );
    const subscription = await reread(tx, id);
    const invoice = await issueInvoice(tx, terms.pricing, {
      organisationId: input.organisationId,
      subscriptionId: id,
      lines,
      now,
    });
    await subscriptionChanged(tx, subscription, 'started');
    return { subscription, invoice };
  });
}

/** The live subscription, or WOW_ERR_SUBSCRIPTION_NOT_FOUND / WOW_ERR_SUBSCRIPTION_STATE naming the `action` refused. */
async function lockLive(tx: PgQueryable, organisationId: string, agentId: string, action: string) {
  const row = await lockSubscription(tx, organisationId, agentId);
  if (row === undefined || row.status === 'cancelled')
    throw createError('WOW_ERR_SUBSCRIPTION_NOT_FOUND', { agent: agentId.slice(0, 64) });
  if (row.status === 'suspended')
    throw createError('WOW_ERR_SUBSCRIPTION_STATE', {
      agent: agentId,
      status: row.status,
      action,
      fix: 'Pay its unpaid invoice first.',
    });
  return row;
}

/**
 * Cancels at the period's end (`cancel: false` takes that back): the agent keeps working
 * until then and nothing more is invoiced; the billing cycle ends it (`cancelled`).
 */
export async function cancelAtPeriodEnd(
  store: Store,
  input: { organisationId: string; agentId: string; cancel?: boolean; now: Date },
): Promise<Subscription> {
  const cancel = input.cancel ?? true;
  return store.transaction(async (tx) => {
    const row = await lockLive(tx, input.organisationId, input.agentId, cancel ? 'be cancelled' : 'be kept');
    if (row.cancel_at_period_end === cancel) return toSubscription(row);
    await tx.query('update commerce_subscriptions set cancel_at_period_end = $2, updated_at = $3 where id = $1', [
      row.id,
      cancel,
      wholeSecond(input.now),
    ]);
    const subscription = await reread(tx, row.id);
    // Taking a cancellation back is told as a resumption: the subscription goes on renewing.
    await subscriptionChanged(tx, subscription, cancel ? 'cancel_scheduled' : 'resumed');
    return subscription;
  });
}

/**
 * Moves the subscription to another plan now, prorated to the second: the unused rest of
 * the period on the old plan is credited, the same rest on the new plan is charged. An
 * upgrade is invoiced at once for the difference (less any credit held); a downgrade's
 * difference is kept as credit for the next invoices. The period itself does not move.
 * Seconds, not days: periods are exact instants, so a change at 23:59 in Kolkata is not
 * billed a day it did not use, and the two halves always add up to the month's price.
 */
export async function changePlan(
  store: Store,
  terms: BillingTerms,
  input: { organisationId: string; agent: SoldAgent; planId: string; now: Date },
): Promise<SubscriptionOutcome> {
  const planId = assertPlan(terms, input.agent, input.planId);
  const now = wholeSecond(input.now);
  return thenCollect(store, terms, now, async (tx) => {
    const row = await lockLive(tx, input.organisationId, input.agent.id, 'change plan');
    const old = toSubscription(row);
    if (old.planId === planId) return { subscription: old };
    const period = { start: new Date(old.currentPeriodStart), end: new Date(old.currentPeriodEnd) };
    const whole = (period.end.getTime() - period.start.getTime()) / 1000;
    const rest = Math.max(0, Math.min(whole, (period.end.getTime() - now.getTime()) / 1000));
    const credit = mulDivRound(terms.pricing.plans[old.planId].monthlyPaise, rest, whole);
    const charge = mulDivRound(terms.pricing.plans[planId].monthlyPaise, rest, whole);
    const net = charge - credit;
    const restOf = { start: now, end: period.end };
    let invoice: Invoice | undefined;
    let creditLeft = old.creditPaise;
    if (net > 0) {
      const used = Math.min(creditLeft, net);
      creditLeft -= used;
      const lines = [
        await planLine(tx, terms.pricing, { ...old, planId }, restOf, charge, ' (rest of the period)'),
        await planLine(tx, terms.pricing, old, restOf, -credit, ' (unused time)'),
      ];
      if (used > 0) lines.push({ description: 'Credit left by an earlier plan change', amountPaise: -used });
      invoice = await issueInvoice(tx, terms.pricing, {
        organisationId: old.organisationId,
        subscriptionId: old.id,
        lines,
        now,
      });
    } else creditLeft += -net;
    await tx.query('update commerce_subscriptions set plan_id = $2, credit_paise = $3, updated_at = $4 where id = $1', [
      old.id,
      planId,
      creditLeft,
      now,
    ]);
    const subscription = await reread(tx, old.id);
    await subscriptionChanged(tx, subscription, 'plan_changed');
    return { subscription, invoice };
  });
}
