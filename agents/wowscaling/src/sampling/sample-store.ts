import type { PgQueryable } from '#platform';
import type { Sample } from './take-samples.ts';

type Row = {
  agent_id: string;
  sampled_at: Date;
  live_replicas: number;
  min_replicas: number;
  max_replicas: number;
  pending_per_replica: number;
  lag: string;
  pending: string;
  handled: number;
  latency_ms: number | null;
  service_level_ms: number | null;
};

/** Adds one round of samples; a round already recorded at the same moment is kept as it was. */
export async function insertSamples(db: PgQueryable, samples: readonly Sample[]): Promise<void> {
  if (samples.length === 0) return;
  await db.query(
    `insert into scaling_samples (agent_id, sampled_at, live_replicas, min_replicas, max_replicas, pending_per_replica,
       lag, pending, handled, latency_ms, service_level_ms)
     select * from unnest($1::text[], $2::timestamptz[], $3::int[], $4::int[], $5::int[], $6::int[], $7::bigint[],
       $8::bigint[], $9::int[], $10::float8[], $11::int[])
     on conflict (agent_id, sampled_at) do nothing`,
    [
      samples.map((s) => s.agentId),
      samples.map((s) => s.sampledAt),
      samples.map((s) => s.liveReplicas),
      samples.map((s) => s.minReplicas),
      samples.map((s) => s.maxReplicas),
      samples.map((s) => s.pendingPerReplica),
      samples.map((s) => s.lag),
      samples.map((s) => s.pending),
      samples.map((s) => s.handled),
      samples.map((s) => s.latencyMs),
      samples.map((s) => s.serviceLevelMs),
    ],
  );
}

/** Each named agent's last `limit` samples (all agents' without `agentId`), oldest first. */
export async function recentSamples(db: PgQueryable, limit: number, agentId?: string): Promise<Map<string, Sample[]>> {
  const { rows } = await db.query<Row>(
    `select * from (
       select *, row_number() over (partition by agent_id order by sampled_at desc) as n from scaling_samples
       where $2::text is null or agent_id = $2
     ) s where n <= $1 order by agent_id, sampled_at`,
    [limit, agentId ?? null],
  );
  const byAgent = new Map<string, Sample[]>();
  for (const r of rows) {
    const list = byAgent.get(r.agent_id) ?? [];
    list.push({
      agentId: r.agent_id,
      sampledAt: new Date(r.sampled_at).toISOString(),
      liveReplicas: r.live_replicas,
      minReplicas: r.min_replicas,
      maxReplicas: r.max_replicas,
      pendingPerReplica: r.pending_per_replica,
      lag: Number(r.lag),
      pending: Number(r.pending),
      handled: r.handled,
      latencyMs: r.latency_ms,
      serviceLevelMs: r.service_level_ms,
    });
    byAgent.set(r.agent_id, list);
  }
  return byAgent;
}

/** Drops samples older than `before`; recommendations keep their own evidence. */
export async function pruneSamples(db: PgQueryable, before: Date): Promise<number> {
  const { rowCount } = await db.query('delete from scaling_samples where sampled_at < $1', [before]);
  return rowCount ?? 0;
}
