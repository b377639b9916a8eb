import { z } from 'zod';
import { sharedSettings, type HandlerContext, type SetupContext } from '#platform';
import { supportSettings } from '#domains/support';
import { createCustomerChannels, type OpenCustomerChannels } from './delivery/customer-channels.ts';
import { createPerTicketQueue, type PerTicketQueue } from './handlers/per-ticket-queue.ts';
import { warnPlainSecrets } from './handlers/warn-plain-secrets.ts';
import { createOperatorAlerts, type OperatorAlerts } from './alerts/operator-alerts.ts';

const intervalError = 'expected milliseconds from 0 (off) to 3600000';
const replyDaysError = 'expected whole days from 0 (kept for good) to 36500';

/**
 * What WowNotification reads is the support desk's shared configuration (SUPPORT_REPO,
 * SUPPORT_APPROVERS, SUPPORT_PERSONAL_DATA_IN_ISSUES, SMTP_URL, SUPPORT_EMAIL_FROM,
 * SUPPORT_SECRETS_KEY), the same values the domain and the doors read, and its operator
 * alerts' own WOWNOTIFICATION_* settings, and PUBLIC_URL for the links in task notices (.env.example documents each).
 */
export const notificationSettings = z.object({
  support: supportSettings,
  /** PUBLIC_URL, the deployment's origin: task notices link to the task there. */
  site: sharedSettings(
    '',
    z.object({
      publicUrl: z
        .url({ protocol: /^https?$/, error: 'expected an http:// or https:// origin' })
        .default('http://localhost:3000')
        .transform((u) => u.replace(/\/+$/, '')),
    }),
    { publicUrl: 'PUBLIC_URL' },
  ),
  /** WOWNOTIFICATION_ALERTS_FILE: the operator alert rules; empty: no operator alerts. */
  alertsFile: z.string().max(1000).default('config/alerts.yml'),
  /** WOWNOTIFICATION_SLACK_TOKEN: the Slack app's bot token (chat:write); unset: the rules' Slack channels are skipped. */
  slackToken: z
    .string()
    .regex(/^xox[a-z]-[A-Za-z0-9-]{1,250}$/, { error: 'expected a Slack token (xoxb-…)' })
    .optional(),
  /** WOWNOTIFICATION_SLACK_API_URL: Slack's Web API, for a proxy or a test double. */
  slackApiUrl: z.url({ protocol: /^https?$/ }).default('https://slack.com/api/'),
  /** WOWNOTIFICATION_ALERTS_INTERVAL_MS: how often due alert messages, escalations and retries are sent. */
  alertsIntervalMs: z.coerce
    .number({ error: intervalError })
    .int({ error: intervalError })
    .min(0, { error: intervalError })
    .max(3_600_000, { error: intervalError })
    .default(15_000),
  /**
   * WOWNOTIFICATION_REPLY_ADDRESS_DAYS: how long after a ticket is solved or closed its mail's
   * secret reply addresses still reach it; 0 keeps them for good.
   */
  replyAddressDays: z.coerce
    .number({ error: replyDaysError })
    .int({ error: replyDaysError })
    .min(0, { error: replyDaysError })
    .max(36_500, { error: replyDaysError })
    .default(365),
});

export type NotificationSettings = z.infer<typeof notificationSettings>;

/** What every handler of an agent instance shares. */
export interface NotificationState {
  /** The customer's webhook and, with SMTP_URL, one mail transport. */
  channels: OpenCustomerChannels;
  /** One sync of a ticket at a time. */
  perTicket: PerTicketQueue;
  /** The operator alert rules and the ways they are sent; undefined when WOWNOTIFICATION_ALERTS_FILE is empty. */
  alerts: OperatorAlerts | undefined;
}

export type NotificationContext = HandlerContext<NotificationSettings, NotificationState>;

/** Made once per agent instance; `stopNotification` releases it. */
export async function createNotificationState(ctx: SetupContext<NotificationSettings>): Promise<NotificationState> {
  await warnPlainSecrets(ctx.store, ctx.log, ctx.settings.support.secretsKey);
  const channels = await createCustomerChannels(ctx.settings.support);
  try {
    return { channels, perTicket: createPerTicketQueue(), alerts: await createOperatorAlerts(ctx, channels) };
  } catch (err) {
    channels.close();
    throw err;
  }
}

export async function stopNotification(state: NotificationState): Promise<void> {
  state.channels.close();
}
