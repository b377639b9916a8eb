import type { Metrics, PgQueryable } from '#platform';

/**
 * `/metrics` of the process hosting WowScaling: each open recommendation, read from its
 * table at scrape time. `wow_scaling_recommended_replicas` is the proposed bound (max for
 * up, min for down) and `wow_scaling_current_replicas` the bound it would replace, so an
 * alert or a dashboard shows both; an agent without a recommendation has no series.
 */
export function watchScalingMetrics(db: PgQueryable, metrics: Metrics): void {
  const read = (which: 'proposed' | 'current') => async () => {
    const { rows } = await db.query<{ agent_id: string; direction: 'up' | 'down'; value: number }>(
      `select agent_id, direction,
         (case when direction = 'up' then ${which} -> 'maxReplicas' else ${which} -> 'minReplicas' end)::int as value
       from scaling_recommendations where state = 'open'`,
    );
    return rows.map((r) => ({
      labels: { agent: r.agent_id, direction: r.direction, bound: r.direction === 'up' ? 'max' : 'min' },
      value: r.value,
    }));
  };
  metrics.watchGauge({
    name: 'wow_scaling_recommended_replicas',
    help: 'The replica bound WowScaling recommends for an agent (its maxReplicas to scale up, minReplicas to scale down), while the recommendation is open',
    labelNames: ['agent', 'direction', 'bound'] as const,
    read: read('proposed'),
  });
  metrics.watchGauge({
    name: 'wow_scaling_current_replicas',
    help: "The agent's replica bound an open WowScaling recommendation would change, as its manifest declares it now",
    labelNames: ['agent', 'direction', 'bound'] as const,
    read: read('current'),
  });
}
