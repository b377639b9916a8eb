import type { PgQueryable } from '#platform';
import { dayOf } from '../trials/trials.ts';
import { takesWork, type SubscriptionStatusOf } from './subscription-status.ts';

/**
 * Whether an organisation may send an agent new work: yes through an active trial or a
 * subscription that takes work; otherwise why not, and the page where it can change that
 * (the task routes answer 402 with both).
 */
export type Entitlement = { ok: true; via: 'trial' | 'subscription' } | { ok: false; reason: string; action: string };

export interface EntitlementSources {
  db: PgQueryable;
  /** Billing's side (commerce_subscriptions): subscriptionStatusFrom(db), or a stand-in. */
  subscriptionStatus: SubscriptionStatusOf;
}

/** Where a customer subscribes to an agent: its profile, with the plans. */
const profileOf = (agentId: string) => `/agents/${encodeURIComponent(agentId)}`;
/** Where the invoices are, an unpaid one among them. */
const invoicesPage = '/dashboard';

/**
 * The entitlement at `at`. A subscription that takes work (active, past due) first, then a
 * trial not yet ended (`at` before its end, whatever the expiry sweep has done yet). Refusals
 * name the latest cause: a subscription suspended for non-payment, one cancelled, a trial
 * that ended, or neither a trial nor a subscription. Nothing is refused for being stored:
 * what the agent delivered stays the organisation's either way.
 */
export async function checkEntitlement(
  sources: EntitlementSources,
  organisationId: string,
  agentId: string,
  at: Date,
): Promise<Entitlement> {
  const status = await sources.subscriptionStatus(organisationId, agentId);
  if (takesWork(status)) return { ok: true, via: 'subscription' };
  const trial = (
    await sources.db.query<{ ends_at: Date }>(
      'select ends_at from commerce_trials where organisation_id = $1 and agent_id = $2',
      [organisationId, agentId.slice(0, 64)],
    )
  ).rows[0];
  if (trial !== undefined && at < new Date(trial.ends_at)) return { ok: true, via: 'trial' };
  const profile = profileOf(agentId);
  if (status === 'suspended')
    return {
      ok: false,
      reason: `Your subscription to ${agentId} is suspended for non-payment; pay the open invoice at ${invoicesPage} to resume it. Everything it delivered stays yours.`,
      action: invoicesPage,
    };
  if (status === 'cancelled')
    return {
      ok: false,
      reason: `Your subscription to ${agentId} was cancelled; subscribe again at ${profile}.`,
      action: profile,
    };
  if (trial !== undefined)
    return {
      ok: false,
      reason: `Your trial of ${agentId} ended on ${dayOf(trial.ends_at)}; subscribe at ${profile}. Everything it delivered stays yours.`,
      action: profile,
    };
  return {
    ok: false,
    reason: `There is no trial or subscription for ${agentId}. Start a free trial or subscribe at ${profile}.`,
    action: profile,
  };
}
