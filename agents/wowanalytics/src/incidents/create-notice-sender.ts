import { openWebhookSecret, postCustomerWebhook } from '#domains/support';
import type { SendNotice } from './send-incident-notices.ts';

/**
 * Notices go to the customer's webhook, signed with their webhook secret as every
 * delivery to them is; a sealed secret is opened with `secretsKey` (SUPPORT_SECRETS_KEY).
 */
export function createNoticeSender(secretsKey: Buffer | undefined): SendNotice {
  return async (notice, event) => {
    await postCustomerWebhook({
      url: notice.customer.webhookUrl,
      secret: openWebhookSecret(notice.customer.webhookSecret, notice.customer.id, secretsKey),
      // The same delivery id on every attempt: the customer can drop a repeat.
      deliveryId: `${notice.incident.id}:${notice.kind}`,
      event,
    });
  };
}
