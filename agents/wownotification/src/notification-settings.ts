import { z } from 'zod';
import type { HandlerContext, SetupContext } from '#platform';
import { supportSettings } from '#domains/support';
import { createCustomerChannels, type OpenCustomerChannels } from './delivery/customer-channels.ts';
import { createPerTicketQueue, type PerTicketQueue } from './handlers/per-ticket-queue.ts';
import { warnPlainSecrets } from './handlers/warn-plain-secrets.ts';

/**
 * What WowNotification reads is the support desk's shared configuration (SUPPORT_REPO,
 * SUPPORT_APPROVERS, SUPPORT_PERSONAL_DATA_IN_ISSUES, SMTP_URL, SUPPORT_EMAIL_FROM,
 * SUPPORT_SECRETS_KEY), the same values the domain and the doors read; it has no
 * WOWNOTIFICATION_* settings of its own.
 */
export const notificationSettings = z.object({ support: supportSettings });

export type NotificationSettings = z.infer<typeof notificationSettings>;

/** What every handler of an agent instance shares. */
export interface NotificationState {
  /** The customer's webhook and, with SMTP_URL, one mail transport. */
  channels: OpenCustomerChannels;
  /** One sync of a ticket at a time. */
  perTicket: PerTicketQueue;
}

export type NotificationContext = HandlerContext<NotificationSettings, NotificationState>;

/** Made once per agent instance; `stopNotification` releases it. */
export async function createNotificationState(ctx: SetupContext<NotificationSettings>): Promise<NotificationState> {
  await warnPlainSecrets(ctx.store, ctx.log, ctx.settings.support.secretsKey);
  return { channels: await createCustomerChannels(ctx.settings.support), perTicket: createPerTicketQueue() };
}

export async function stopNotification(state: NotificationState): Promise<void> {
  state.channels.close();
}
