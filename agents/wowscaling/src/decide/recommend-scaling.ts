import { randomUUID } from 'node:crypto';
import type { PgQueryable, Store } from '#platform';
import {
  closeRecommendation,
  insertRecommendation,
  openRecommendations,
  type Recommendation,
} from '../recommendations.ts';
import { insertSamples, recentSamples } from '../sampling/sample-store.ts';
import type { Sample } from '../sampling/take-samples.ts';
import { decideScaling, type DecisionBounds } from './decide-scaling.ts';

/** Samples kept as a recommendation's evidence: the run's last ones (an idle run can be long). */
export const evidenceSamples = 30;

export interface RecommendRound {
  recommended: Recommendation[];
  closed: { id: string; agentId: string; state: 'applied' | 'lapsed' }[];
}

const backlog = (s: Sample) => s.lag + s.pending;

/**
 * Whether an open recommendation still stands after the latest samples: applied once the
 * agent's bounds differ from those it was made against (its change was merged and deployed),
 * lapsed once its condition is gone — an "up" after a full sustained run with nothing waiting,
 * a "down" as soon as anything waits or more than the minimum runs.
 */
function outcomeOf(rec: Recommendation, samples: readonly Sample[], bounds: DecisionBounds) {
  const last = samples.at(-1);
  if (last === undefined) return undefined;
  if (
    last.minReplicas !== rec.current.minReplicas ||
    last.maxReplicas !== rec.current.maxReplicas ||
    last.pendingPerReplica !== rec.current.pendingPerReplica
  )
    return 'applied' as const;
  if (rec.direction === 'down')
    return backlog(last) > 0 || last.liveReplicas > last.minReplicas ? ('lapsed' as const) : undefined;
  const run = samples.slice(-bounds.sustainedSamples);
  return run.length === bounds.sustainedSamples && run.every((s) => backlog(s) === 0) ? ('lapsed' as const) : undefined;
}

/**
 * One round: the samples are recorded, each agent's recent run is judged (decideScaling),
 * open recommendations are closed when they no longer stand, and new ones are recorded and
 * announced (`announce`, through the outbox in the same transaction) — all or nothing, so
 * a recommendation is never recorded without its event or the other way round.
 */
export async function recommendScaling(
  store: Store,
  samples: readonly Sample[],
  bounds: DecisionBounds,
  now: Date,
  announce: (tx: PgQueryable, rec: Recommendation) => Promise<void>,
): Promise<RecommendRound> {
  return store.transaction(async (tx) => {
    await insertSamples(tx, samples);
    const recent = await recentSamples(tx, Math.max(bounds.sustainedSamples, bounds.idleSamples));
    const open = new Map((await openRecommendations(tx)).map((r) => [r.agentId, r]));
    const round: RecommendRound = { recommended: [], closed: [] };
    for (const { agentId } of samples) {
      const run = recent.get(agentId) ?? [];
      const standing = open.get(agentId);
      if (standing !== undefined) {
        const outcome = outcomeOf(standing, run, bounds);
        if (outcome === undefined) continue;
        await closeRecommendation(tx, standing.id, outcome, now);
        round.closed.push({ id: standing.id, agentId, state: outcome });
        if (outcome === 'lapsed') continue;
      }
      const decision = decideScaling(run, bounds);
      if (decision === undefined) continue;
      const rec = await insertRecommendation(tx, {
        id: randomUUID(),
        agentId,
        decision: { ...decision, evidence: decision.evidence.slice(-evidenceSamples) },
        at: now,
      });
      await announce(tx, rec);
      round.recommended.push(rec);
    }
    return round;
  });
}
