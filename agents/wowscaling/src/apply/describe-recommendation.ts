import type { Sample, ScalingBounds } from '../sampling/take-samples.ts';
import type { Recommendation } from '../recommendations.ts';

const bound = (b: ScalingBounds) =>
  `${b.minReplicas}..${b.maxReplicas} replicas, ${b.pendingPerReplica} pending per replica`;
const ms = (v: number | null) => (v === null ? '–' : v.toFixed(1));

/** What changes, in words: only the bounds that move. */
export function changeOf(r: Pick<Recommendation, 'current' | 'proposed'>): string {
  const parts = (['minReplicas', 'maxReplicas', 'pendingPerReplica'] as const)
    .filter((k) => r.current[k] !== r.proposed[k])
    .map((k) => `${k} ${r.current[k]} → ${r.proposed[k]}`);
  return parts.join(', ');
}

/** The samples as a Markdown table, oldest first: the evidence a reviewer judges the change by. */
export function samplesTable(samples: readonly Sample[]): string {
  const rows = samples.map(
    (s) =>
      `| ${s.sampledAt} | ${s.liveReplicas} | ${s.minReplicas}..${s.maxReplicas} | ${s.lag} | ${s.pending} | ` +
      `${s.handled} | ${ms(s.latencyMs)} | ${s.serviceLevelMs === null ? 'best effort' : String(s.serviceLevelMs)} |`,
  );
  return [
    '| sampled at | live replicas | bounds | lag | pending | handled | mean latency (ms) | service level (ms) |',
    '| - | -: | - | -: | -: | -: | -: | -: |',
    ...rows,
  ].join('\n');
}

/** The pull request's description: what changes, why, and the samples it was decided from. */
export function describeRecommendation(r: Recommendation, agentsDir: string): string {
  return [
    `WowScaling recommends scaling **${r.agentId}** ${r.direction}: ${r.reason}.`,
    '',
    `This changes only the \`scaling:\` block of \`${agentsDir}/${r.agentId}/agent.yml\` (${changeOf(r)}): from ` +
      `${bound(r.current)} to ${bound(r.proposed)}. KEDA scales the agent between these bounds once the change ` +
      'is merged and deployed (`wow infra k8s` writes its ScaledObject); until then nothing changes.',
    '',
    `Lag is the entries not yet delivered to the agent's consumer group, pending those delivered and not acked, ` +
      'over every stream it reads; live replicas are its runtimes with a fresh heartbeat in the registry; latency is ' +
      "its mean handling time from the platform's per-minute health figures.",
    '',
    samplesTable(r.evidence),
    '',
    `Recommendation \`${r.id}\`, made ${r.createdAt}. \`wow agents list\` shows it until the change is deployed.`,
  ].join('\n');
}
