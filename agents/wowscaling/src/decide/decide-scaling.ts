import type { ScalingSettings } from '../scaling-settings.ts';
import type { Sample, ScalingBounds } from '../sampling/take-samples.ts';

/** What WowScaling recommends for one agent, and the samples that show why. */
export interface Decision {
  direction: 'up' | 'down';
  reason: string;
  current: ScalingBounds;
  proposed: ScalingBounds;
  evidence: Sample[];
}

export type DecisionBounds = Pick<
  ScalingSettings,
  'sustainedSamples' | 'idleSamples' | 'maxReplicasCeiling' | 'minReplicasFloor'
>;

const backlogOf = (s: Sample) => s.lag + s.pending;
const sameBounds = (a: ScalingBounds, b: ScalingBounds) =>
  a.minReplicas === b.minReplicas && a.maxReplicas === b.maxReplicas && a.pendingPerReplica === b.pendingPerReplica;
const boundsOf = (s: Sample): ScalingBounds => ({
  minReplicas: s.minReplicas,
  maxReplicas: s.maxReplicas,
  pendingPerReplica: s.pendingPerReplica,
});

/** A backlog in every sample that never shrinks from one to the next and ends higher than it began. */
function growing(run: readonly Sample[]): boolean {
  if (run.some((s) => backlogOf(s) === 0)) return false;
  for (let i = 1; i < run.length; i++) if (backlogOf(run[i] as Sample) < backlogOf(run[i - 1] as Sample)) return false;
  return backlogOf(run.at(-1) as Sample) > backlogOf(run[0] as Sample);
}

/** Every sample handled something and its mean time was over the agent's service level. */
function slow(run: readonly Sample[]): boolean {
  return run.every(
    (s) => s.serviceLevelMs !== null && s.latencyMs !== null && s.handled > 0 && s.latencyMs > s.serviceLevelMs,
  );
}

/**
 * The recommendation `samples` (one agent's, oldest first) call for, if any. Only a run of
 * consecutive samples under the same bounds counts, so a changed `scaling:` starts afresh.
 * (1) Up: the last `sustainedSamples` all at the maximum replicas, with something waiting in
 *     each and the backlog growing through them, or every one slower than the service level: the maximum grows by half (at least
 *     one), never above `maxReplicasCeiling`.
 * (2) Down: the last `idleSamples` all at or below the minimum with nothing waiting or
 *     in flight: the minimum drops by one, never below `minReplicasFloor`.
 * An agent with no live replica is down, neither under-scaled nor idle: nothing is recommended for it.
 */
export function decideScaling(samples: readonly Sample[], bounds: DecisionBounds): Decision | undefined {
  const last = samples.at(-1);
  if (last === undefined) return undefined;
  const current = boundsOf(last);
  const runOf = (n: number) => {
    const run = samples.slice(-n);
    return run.length === n && run.every((s) => sameBounds(boundsOf(s), current)) ? run : undefined;
  };

  const up = runOf(bounds.sustainedSamples);
  if (up?.every((s) => s.liveReplicas > 0 && s.liveReplicas >= s.maxReplicas) === true) {
    const lagging = growing(up);
    const slower = slow(up);
    const maxReplicas = Math.min(
      bounds.maxReplicasCeiling,
      Math.max(current.maxReplicas + 1, Math.ceil(current.maxReplicas * 1.5)),
    );
    if ((lagging || slower) && maxReplicas > current.maxReplicas) {
      const why = [
        lagging ? `lag grew from ${backlogOf(up[0] as Sample)} to ${backlogOf(last)} entries` : undefined,
        slower ? `mean latency stayed over its service level of ${String(last.serviceLevelMs)} ms` : undefined,
      ].filter((w) => w !== undefined);
      return {
        direction: 'up',
        reason: `at its maximum of ${current.maxReplicas} replicas for ${up.length} samples, ${why.join(' and ')}`,
        current,
        proposed: { ...current, maxReplicas },
        evidence: up,
      };
    }
  }

  const idle = runOf(bounds.idleSamples);
  if (idle?.every((s) => s.liveReplicas > 0 && s.liveReplicas <= s.minReplicas && backlogOf(s) === 0) === true) {
    const minReplicas = Math.max(bounds.minReplicasFloor, current.minReplicas - 1);
    if (minReplicas < current.minReplicas)
      return {
        direction: 'down',
        reason: `idle at its minimum of ${current.minReplicas} replicas for ${idle.length} samples, nothing waiting`,
        current,
        proposed: { ...current, minReplicas },
        evidence: idle,
      };
  }
  return undefined;
}
