import { z } from 'zod';
import { sharedSettings } from '#platform';

/**
 * WowIntegration's settings, each from its WOWINTEGRATION_* variable (.env.example); shared,
 * so that the server's webhook door and `wow integrations` read the same connectors.
 */
export const integrationSettings = sharedSettings(
  'WOWINTEGRATION_',
  z.object({
    /** WOWINTEGRATION_DIR: the folder of connectors, one `<name>/connector.yml` each. */
    dir: z.string().min(1).max(1000).default('integrations'),
    /** WOWINTEGRATION_RETRY_BATCH: the most failed deliveries one refresh retries (the oldest first). */
    retryBatch: z.coerce
      .number({ error: 'expected an integer from 1 to 10000' })
      .int({ error: 'expected an integer from 1 to 10000' })
      .min(1, { error: 'expected an integer from 1 to 10000' })
      .max(10_000, { error: 'expected an integer from 1 to 10000' })
      .default(200),
    /**
     * WOWINTEGRATION_RETRY_INTERVAL_MS: how often deliveries kept after an outage (no answer,
     * 429, 5xx, an open circuit) are sent again for connectors whose credential has not
     * expired; 0 never. An expired credential waits for integration.credential.refresh.
     */
    retryIntervalMs: z.coerce
      .number({ error: 'expected an integer from 0 to 86400000' })
      .int({ error: 'expected an integer from 0 to 86400000' })
      .min(0, { error: 'expected an integer from 0 to 86400000' })
      .max(86_400_000, { error: 'expected an integer from 0 to 86400000' })
      .default(300_000),
  }),
);

export type IntegrationSettings = z.infer<typeof integrationSettings>;
