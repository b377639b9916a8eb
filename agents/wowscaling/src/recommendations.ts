import type { PgQueryable } from '#platform';
import type { Decision } from './decide/decide-scaling.ts';
import type { Sample, ScalingBounds } from './sampling/take-samples.ts';

/** A recommendation as recorded: open until its change is deployed (applied) or its condition is gone (lapsed). */
export interface Recommendation {
  id: string;
  agentId: string;
  direction: 'up' | 'down';
  reason: string;
  current: ScalingBounds;
  proposed: ScalingBounds;
  evidence: Sample[];
  state: 'open' | 'applied' | 'lapsed';
  pull: { number: number; url: string } | null;
  createdAt: string;
  closedAt: string | null;
}

type Row = {
  id: string;
  agent_id: string;
  direction: 'up' | 'down';
  reason: string;
  current: ScalingBounds;
  proposed: ScalingBounds;
  evidence: Sample[];
  state: Recommendation['state'];
  pull_number: number | null;
  pull_url: string | null;
  created_at: Date;
  closed_at: Date | null;
};

const columns =
  'id, agent_id, direction, reason, current, proposed, evidence, state, pull_number, pull_url, created_at, closed_at';

const fromRow = (r: Row): Recommendation => ({
  id: r.id,
  agentId: r.agent_id,
  direction: r.direction,
  reason: r.reason,
  current: r.current,
  proposed: r.proposed,
  evidence: r.evidence,
  state: r.state,
  pull: r.pull_number === null ? null : { number: r.pull_number, url: r.pull_url ?? '' },
  createdAt: new Date(r.created_at).toISOString(),
  closedAt: r.closed_at === null ? null : new Date(r.closed_at).toISOString(),
});

/** Every open recommendation, one per agent at most, by agent. */
export async function openRecommendations(db: PgQueryable, agentId?: string): Promise<Recommendation[]> {
  const { rows } = await db.query<Row>(
    `select ${columns} from scaling_recommendations where state = 'open' and ($1::text is null or agent_id = $1)
     order by agent_id`,
    [agentId ?? null],
  );
  return rows.map(fromRow);
}

/** Records `decision` as the agent's open recommendation; the partial unique index keeps it the only one. */
export async function insertRecommendation(
  db: PgQueryable,
  rec: { id: string; agentId: string; decision: Decision; at: Date },
): Promise<Recommendation> {
  const { decision } = rec;
  const { rows } = await db.query<Row>(
    `insert into scaling_recommendations (id, agent_id, direction, reason, current, proposed, evidence, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8) returning ${columns}`,
    [
      rec.id,
      rec.agentId,
      decision.direction,
      decision.reason,
      JSON.stringify(decision.current),
      JSON.stringify(decision.proposed),
      JSON.stringify(decision.evidence),
      rec.at,
    ],
  );
  return fromRow(rows[0] as Row);
}

export async function closeRecommendation(
  db: PgQueryable,
  id: string,
  state: 'applied' | 'lapsed',
  at: Date,
): Promise<void> {
  await db.query(`update scaling_recommendations set state = $2, closed_at = $3 where id = $1 and state = 'open'`, [
    id,
    state,
    at,
  ]);
}

/** The pull request that carries the recommendation. */
export async function recordPull(db: PgQueryable, id: string, pull: { number: number; url: string }): Promise<void> {
  await db.query('update scaling_recommendations set pull_number = $2, pull_url = $3 where id = $1', [
    id,
    pull.number,
    pull.url,
  ]);
}
