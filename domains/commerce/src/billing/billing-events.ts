import { createEvent, enqueueOutbox, type PgQueryable } from '#platform';
import type { Invoice, Subscription } from './billing-records.ts';

const source = 'wow/commerce-billing';

export type SubscriptionChange =
  'started' | 'renewed' | 'plan_changed' | 'cancel_scheduled' | 'cancelled' | 'suspended' | 'resumed';

/** commerce.subscription.changed, in the caller's transaction: it is published exactly when the change commits. */
export async function subscriptionChanged(tx: PgQueryable, s: Subscription, change: SubscriptionChange): Promise<void> {
  await enqueueOutbox(
    tx,
    createEvent({
      source,
      type: 'commerce.subscription.changed',
      subject: s.id,
      partitionkey: s.organisationId,
      data: {
        subscriptionId: s.id,
        organisationId: s.organisationId,
        agentId: s.agentId,
        planId: s.planId,
        status: s.status,
        change,
        periodEnd: s.currentPeriodEnd,
      },
    }),
  );
}

/** commerce.invoice.changed: issued (open), paid, a payment failed, or voided. */
export async function invoiceChanged(tx: PgQueryable, invoice: Invoice): Promise<void> {
  await enqueueOutbox(
    tx,
    createEvent({
      source,
      type: 'commerce.invoice.changed',
      subject: invoice.id,
      partitionkey: invoice.organisationId,
      data: {
        invoiceId: invoice.id,
        organisationId: invoice.organisationId,
        ...(invoice.subscriptionId === null ? {} : { subscriptionId: invoice.subscriptionId }),
        status: invoice.status,
        totalPaise: invoice.totalPaise,
      },
    }),
  );
}
