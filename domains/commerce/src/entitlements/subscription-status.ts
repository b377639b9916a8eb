import type { PgQueryable } from '#platform';

/** A subscription's status, as billing keeps it (commerce_subscriptions.status). */
export type SubscriptionStatus = 'active' | 'past_due' | 'suspended' | 'cancelled';

/** The status of the organisation's subscription to the agent, or undefined when it never subscribed. */
export type SubscriptionStatusOf = (organisationId: string, agentId: string) => Promise<SubscriptionStatus | undefined>;

/**
 * Reads billing's `commerce_subscriptions`: of the organisation's subscriptions to the
 * agent (a cancelled one and a newer one may both be there), the one that counts most —
 * one taking work (active, past_due) before a suspended one before a cancelled one.
 */
export function subscriptionStatusFrom(db: PgQueryable): SubscriptionStatusOf {
  return async (organisationId, agentId) => {
    const { rows } = await db.query<{ status: SubscriptionStatus }>(
      `select status from commerce_subscriptions where organisation_id = $1 and agent_id = $2
        order by case status when 'active' then 0 when 'past_due' then 1 when 'suspended' then 2 else 3 end limit 1`,
      [organisationId, agentId],
    );
    return rows[0]?.status;
  };
}

/** Whether the status takes new work: active, or past due while payment is retried (suspension stops it). */
export const takesWork = (status: SubscriptionStatus | undefined): boolean =>
  status === 'active' || status === 'past_due';
