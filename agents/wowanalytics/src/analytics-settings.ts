import { z } from 'zod';
import { supportSettings } from '#domains/support';
import { createNoticeSender } from './incidents/create-notice-sender.ts';
import type { SendNotice } from './incidents/send-incident-notices.ts';

const checkRange = 'expected an integer from 0 to 86400';

/**
 * WowAnalytics' settings: the support desk's (SUPPORT_REPO, where incident issues open, and
 * SUPPORT_SECRETS_KEY, which opens the customers' webhook secrets its notices are signed
 * with), and its own WOWANALYTICS_* variables (.env.example).
 */
export const analyticsSettings = z.object({
  support: supportSettings,
  /** WOWANALYTICS_CHECK_SECONDS: how often every agent's health is judged; 0 turns the check off. */
  checkSeconds: z.coerce
    .number({ error: checkRange })
    .int({ error: checkRange })
    .min(0, { error: checkRange })
    .max(86_400, { error: checkRange })
    .default(60),
});

export type AnalyticsSettings = z.infer<typeof analyticsSettings>;

/** What the check and the handlers share: how a notice reaches a customer, with the secrets key the settings hold. */
export interface AnalyticsState {
  send: SendNotice;
}

export function createAnalyticsState(settings: AnalyticsSettings): AnalyticsState {
  return { send: createNoticeSender(settings.support.secretsKey) };
}
