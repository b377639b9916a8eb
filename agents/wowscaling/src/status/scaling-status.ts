import { defineProtocol, type PgQueryable } from '#platform';
import { z } from 'zod';
import { openRecommendations } from '../recommendations.ts';
import { recentSamples } from '../sampling/sample-store.ts';

const agentId = z
  .string()
  .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, { error: 'expected an agent id, e.g. "wowsearch"' })
  .max(64);
const bounds = z.strictObject({ minReplicas: z.int(), maxReplicas: z.int(), pendingPerReplica: z.int() });
const sample = z.strictObject({
  agentId: z.string(),
  sampledAt: z.string(),
  liveReplicas: z.int(),
  minReplicas: z.int(),
  maxReplicas: z.int(),
  pendingPerReplica: z.int(),
  lag: z.number(),
  pending: z.number(),
  handled: z.int(),
  latencyMs: z.number().nullable(),
  serviceLevelMs: z.int().nullable(),
});

export const scalingStatusRequest = z.strictObject({
  agent: agentId.optional(),
  /** The last samples of each agent to include, newest last. */
  samples: z.int().min(0).max(100).default(5),
});

/**
 * scaling.status: each agent's bounds, its latest samples (live replicas, lag, pending,
 * latency against its service level) and its open recommendation with the pull request
 * that carries it. WowSupport's playbooks diagnose a lagging agent with it.
 */
export const scalingStatusProtocol = defineProtocol({
  type: 'scaling.status',
  input: scalingStatusRequest,
  output: z.strictObject({
    agents: z.array(
      z.strictObject({
        id: z.string(),
        bounds: bounds.nullable(),
        latest: sample.nullable(),
        samples: z.array(sample),
        recommendation: z
          .strictObject({
            id: z.string(),
            direction: z.enum(['up', 'down']),
            reason: z.string(),
            current: bounds,
            proposed: bounds,
            createdAt: z.string(),
            pull: z.strictObject({ number: z.int(), url: z.string() }).nullable(),
          })
          .nullable(),
      }),
    ),
  }),
});

export type ScalingStatus = z.infer<typeof scalingStatusProtocol.output>;

/** The status of one agent (or every agent sampled), from the samples and recommendations WowScaling keeps. */
export async function readScalingStatus(
  db: PgQueryable,
  request: z.output<typeof scalingStatusRequest>,
): Promise<ScalingStatus> {
  const recent = await recentSamples(db, Math.max(1, request.samples), request.agent);
  const open = new Map((await openRecommendations(db, request.agent)).map((r) => [r.agentId, r]));
  const ids = request.agent === undefined ? [...new Set([...recent.keys(), ...open.keys()])].sort() : [request.agent];
  return {
    agents: ids.map((id) => {
      const samples = recent.get(id) ?? [];
      const latest = samples.at(-1) ?? null;
      const rec = open.get(id);
      return {
        id,
        bounds:
          latest === null
            ? null
            : {
                minReplicas: latest.minReplicas,
                maxReplicas: latest.maxReplicas,
                pendingPerReplica: latest.pendingPerReplica,
              },
        latest,
        samples: request.samples === 0 ? [] : samples,
        recommendation:
          rec === undefined
            ? null
            : {
                id: rec.id,
                direction: rec.direction,
                reason: rec.reason,
                current: rec.current,
                proposed: rec.proposed,
                createdAt: rec.createdAt,
                pull: rec.pull,
              },
      };
    }),
  };
}
