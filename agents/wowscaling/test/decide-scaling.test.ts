import { describe, expect, it } from 'vitest';
import { decideScaling, type DecisionBounds, type Sample } from '../src/index.ts';

const bounds: DecisionBounds = { sustainedSamples: 3, idleSamples: 4, maxReplicasCeiling: 10, minReplicasFloor: 1 };

const sample = (over: Partial<Sample> = {}): Sample => ({
  agentId: 'busy',
  sampledAt: '2026-12-06T00:00:00.000Z',
  liveReplicas: 4,
  minReplicas: 2,
  maxReplicas: 4,
  pendingPerReplica: 20,
  lag: 0,
  pending: 0,
  handled: 10,
  latencyMs: 100,
  serviceLevelMs: 1000,
  ...over,
});
const lagging = (...lags: number[]) => lags.map((lag) => sample({ lag }));

describe('decideScaling', () => {
  it('raises the maximum by half when the agent sits at it with lag growing through a sustained run', () => {
    const decision = decideScaling(lagging(10, 10, 30), bounds);
    expect(decision).toMatchObject({
      direction: 'up',
      current: { minReplicas: 2, maxReplicas: 4, pendingPerReplica: 20 },
      proposed: { minReplicas: 2, maxReplicas: 6, pendingPerReplica: 20 },
      reason: 'at its maximum of 4 replicas for 3 samples, lag grew from 10 to 30 entries',
    });
    expect(decision?.evidence).toHaveLength(3);
  });

  it('recommends nothing for lag that shrank on the way or was not there throughout, a run too short, or an agent below its maximum', () => {
    expect(decideScaling(lagging(10, 5, 30), bounds)).toBeUndefined();
    // A first entry arriving after an empty run is not a backlog that lasted.
    expect(decideScaling(lagging(0, 0, 1), bounds)).toBeUndefined();
    expect(decideScaling(lagging(10, 30), bounds)).toBeUndefined();
    expect(
      decideScaling(
        lagging(10, 20, 30).map((s) => ({ ...s, liveReplicas: 3 })),
        bounds,
      ),
    ).toBeUndefined();
    // Down is not under-scaled: no live replica, nothing to add to.
    const down = lagging(10, 20, 30).map((s) => ({ ...s, liveReplicas: 0, maxReplicas: 0 }));
    expect(decideScaling(down, bounds)).toBeUndefined();
  });

  it('raises the maximum when every sample is slower than the service level, and never above the ceiling', () => {
    const slow = [1, 2, 3].map(() => sample({ latencyMs: 1500, maxReplicas: 8, liveReplicas: 8 }));
    expect(decideScaling(slow, bounds)).toMatchObject({
      direction: 'up',
      proposed: { maxReplicas: 10 },
      reason: 'at its maximum of 8 replicas for 3 samples, mean latency stayed over its service level of 1000 ms',
    });
    const atCeiling = slow.map((s) => ({ ...s, maxReplicas: 10, liveReplicas: 10 }));
    expect(decideScaling(atCeiling, bounds)).toBeUndefined();
    // Best effort sets no latency target.
    expect(
      decideScaling(
        slow.map((s) => ({ ...s, serviceLevelMs: null })),
        bounds,
      ),
    ).toBeUndefined();
  });

  it('counts only samples under the bounds in force now: a changed scaling block starts the run afresh', () => {
    const run = lagging(10, 20, 30);
    run[0] = { ...(run[0] as Sample), maxReplicas: 3 };
    expect(decideScaling(run, bounds)).toBeUndefined();
  });

  it('lowers the minimum by one after a long idle run at it, never below the floor', () => {
    const idle = [1, 2, 3, 4].map(() => sample({ liveReplicas: 2, handled: 0, latencyMs: null }));
    expect(decideScaling(idle, bounds)).toMatchObject({
      direction: 'down',
      proposed: { minReplicas: 1, maxReplicas: 4 },
      reason: 'idle at its minimum of 2 replicas for 4 samples, nothing waiting',
    });
    expect(decideScaling(idle.slice(1), bounds)).toBeUndefined();
    expect(
      decideScaling(
        idle.map((s, i) => (i === 2 ? { ...s, pending: 1 } : s)),
        bounds,
      ),
    ).toBeUndefined();
    // Offline is not idle.
    expect(
      decideScaling(
        idle.map((s) => ({ ...s, liveReplicas: 0 })),
        bounds,
      ),
    ).toBeUndefined();
    const atFloor = idle.map((s) => ({ ...s, minReplicas: 1, liveReplicas: 1 }));
    expect(decideScaling(atFloor, bounds)).toBeUndefined();
  });
});
