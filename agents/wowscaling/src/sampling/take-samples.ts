import { readSql, scalingDefaults, type AgentRow, type BusStats, type PgQueryable } from '#platform';
import { z } from 'zod';

const sql = { latency: readSql(import.meta.url, 'select-latency') };

/** One agent at one moment: what a recommendation is decided from and its pull request shows. */
export interface Sample {
  agentId: string;
  sampledAt: string;
  liveReplicas: number;
  minReplicas: number;
  maxReplicas: number;
  pendingPerReplica: number;
  /** Not yet delivered to the agent's consumer group, over every stream it reads. */
  lag: number;
  /** Delivered to it and not yet acked. */
  pending: number;
  handled: number;
  latencyMs: number | null;
  serviceLevelMs: number | null;
}

export type ScalingBounds = Pick<Sample, 'minReplicas' | 'maxReplicas' | 'pendingPerReplica'>;

// The registry keeps each manifest as its runtime parsed it; read back, it is checked again.
const registeredScaling = z
  .object({
    scaling: z
      .object({
        minReplicas: z.int().min(0).max(100).default(scalingDefaults.minReplicas),
        maxReplicas: z.int().min(1).max(100).default(scalingDefaults.maxReplicas),
        pendingPerReplica: z.int().min(1).max(100_000).default(scalingDefaults.pendingPerReplica),
      })
      .optional(),
  })
  .transform((m): ScalingBounds => m.scaling ?? { ...scalingDefaults });

/** Each registered agent's `scaling:` bounds, as its manifest in the registry declares them (defaults filled in). */
export async function registeredBounds(db: PgQueryable): Promise<Map<string, ScalingBounds>> {
  const { rows } = await db.query<{ id: string; manifest: unknown }>('select id, manifest from agents order by id');
  const bounds = new Map<string, ScalingBounds>();
  for (const r of rows) {
    const parsed = registeredScaling.safeParse(r.manifest);
    if (parsed.success) bounds.set(r.id, parsed.data);
  }
  return bounds;
}

/** The backlog of each consumer group (an agent's id) over all its streams: lag (null counts as none) and pending. */
export function backlogByGroup(stats: BusStats): Map<string, { lag: number; pending: number }> {
  const byGroup = new Map<string, { lag: number; pending: number }>();
  for (const topic of stats.topics)
    for (const g of topic.groups) {
      const sum = byGroup.get(g.group) ?? { lag: 0, pending: 0 };
      sum.lag += g.lag ?? 0;
      sum.pending += g.pending;
      byGroup.set(g.group, sum);
    }
  return byGroup;
}

/** What a round of sampling reads from: the registry, the bus and each agent's service level. */
export interface SampleSources {
  db: PgQueryable;
  agents: readonly Pick<AgentRow, 'id' | 'liveInstances'>[];
  busStats: BusStats;
  serviceLevels: ReadonlyMap<string, number | null>;
  latencyWindowMinutes: number;
}

/**
 * One sample of every registered agent at `now`: its bounds from its manifest, its live
 * replicas (instances with a fresh heartbeat — on Kubernetes one per pod, on one machine
 * the one runtime hosting it, 0 when it is down), its consumer group's lag and pending, and
 * its mean handling time over the latency window.
 */
export async function takeSamples(sources: SampleSources, now: Date): Promise<Sample[]> {
  const bounds = await registeredBounds(sources.db);
  const backlog = backlogByGroup(sources.busStats);
  const { rows } = await sources.db.query<{ agent_id: string; handled: number; mean_ms: number | null }>(sql.latency, [
    now.toISOString(),
    sources.latencyWindowMinutes,
  ]);
  const latency = new Map(rows.map((r) => [r.agent_id, r]));
  const live = new Map(sources.agents.map((a) => [a.id, a.liveInstances]));
  return [...bounds].map(([agentId, b]) => ({
    agentId,
    sampledAt: now.toISOString(),
    liveReplicas: live.get(agentId) ?? 0,
    ...b,
    lag: backlog.get(agentId)?.lag ?? 0,
    pending: backlog.get(agentId)?.pending ?? 0,
    handled: latency.get(agentId)?.handled ?? 0,
    latencyMs: latency.get(agentId)?.mean_ms ?? null,
    serviceLevelMs: sources.serviceLevels.get(agentId) ?? null,
  }));
}
