import { z } from 'zod';

/**
 * WowEvent's own settings, each from its WOWEVENT_* variable (.env.example): how long the
 * archive keeps a day, how many days' partitions are made ahead, and the bound on each
 * event's archived data.
 */
export const eventSettings = z.object({
  /** WOWEVENT_RETENTION_DAYS: days of events kept; older days' partitions are dropped whole. */
  retentionDays: z.coerce
    .number({ error: 'expected a whole number of days from 1 to 3660, e.g. 30' })
    .int({ error: 'expected a whole number of days from 1 to 3660, e.g. 30' })
    .min(1)
    .max(3660)
    .default(30),
  /** WOWEVENT_PARTITIONS_AHEAD: days after today whose partitions exist before their first event. */
  partitionsAhead: z.coerce
    .number({ error: 'expected a whole number of days from 1 to 31, e.g. 2' })
    .int()
    .min(1)
    .max(31)
    .default(2),
  /** WOWEVENT_MAX_DATA_BYTES: larger data is archived as a marker with its size and a preview. */
  maxDataBytes: z.coerce
    .number({ error: 'expected bytes from 1024 to 10485760, e.g. 65536' })
    .int()
    .min(1024)
    .max(10 * 1024 * 1024)
    .default(64 * 1024),
  /** WOWEVENT_MAINTAIN_INTERVAL_MS: how often partitions are made and dropped; 0 turns it off. */
  maintainIntervalMs: z.coerce.number().int().min(0).default(3_600_000),
});

export type EventSettings = z.infer<typeof eventSettings>;
