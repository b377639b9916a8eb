import { z } from 'zod';

const int = (min: number, max: number, fallback: number) => {
  const error = `expected an integer from ${min} to ${max}`;
  return z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error }).default(fallback);
};

/**
 * WowScaling's settings, each from its WOWSCALING_* variable (.env.example): how often it
 * samples, how long a condition must last before it recommends, and the bounds no
 * recommendation goes beyond.
 */
export const scalingSettings = z
  .object({
    /** WOWSCALING_SAMPLE_INTERVAL_MS: how often every agent is sampled; 0 never. */
    sampleIntervalMs: int(0, 86_400_000, 60_000),
    /** WOWSCALING_SUSTAINED_SAMPLES: consecutive samples at the maximum with growing lag (or slow) before a scale-up. */
    sustainedSamples: int(2, 100, 5),
    /** WOWSCALING_IDLE_SAMPLES: consecutive idle samples at the minimum before a scale-down. */
    idleSamples: int(2, 10_000, 60),
    /** WOWSCALING_LATENCY_WINDOW_MINUTES: the minutes of handling each sample's mean latency is taken over. */
    latencyWindowMinutes: int(1, 60, 5),
    /** WOWSCALING_MAX_REPLICAS_CEILING: no recommendation raises an agent's maxReplicas above this. */
    maxReplicasCeiling: int(1, 100, 20),
    /** WOWSCALING_MIN_REPLICAS_FLOOR: no recommendation lowers an agent's minReplicas below this (0 stops its schedules when idle). */
    minReplicasFloor: int(0, 100, 1),
    /** WOWSCALING_REPOSITORY: "owner/name" of the repository holding agents/; pull requests are opened there. */
    repository: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/, { error: 'expected "owner/name", e.g. "acme/waooaw"' })
      .optional(),
    /** WOWSCALING_AGENTS_DIR: the folder of agents in that repository. */
    agentsDir: z
      .string()
      .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, { error: 'expected a relative folder, e.g. "agents"' })
      .refine((dir) => !dir.split('/').includes('..'), { error: 'expected a folder inside the repository, no ".."' })
      .default('agents'),
    /** WOWSCALING_AUTO_PULL: open each recommendation's pull request at once (true), or only on scaling.apply (false). */
    autoPull: z
      .enum(['true', 'false'], { error: 'expected true or false' })
      .default('true')
      .transform((v) => v === 'true'),
    /** WOWSCALING_RETENTION_DAYS: samples older than this are pruned; recommendations stay. */
    retentionDays: int(1, 366, 7),
  })
  .refine((s) => s.minReplicasFloor <= s.maxReplicasCeiling, {
    error: 'expected WOWSCALING_MIN_REPLICAS_FLOOR at most WOWSCALING_MAX_REPLICAS_CEILING',
  });

export type ScalingSettings = z.infer<typeof scalingSettings>;
