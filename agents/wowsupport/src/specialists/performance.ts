import { describeCache } from './ask-wowcache.ts';
import type { Diagnosis, SpecialistInput } from './diagnosis.ts';

/**
 * Performance: each agent concerned, now against its own baseline, and any incident open
 * for it, as WowAnalytics reports them (analytics.health.report), and how its cache serves
 * it (WowCache's figures: a low hit rate or many evictions point the team at the loader).
 * A regression we can see is told to the customer; none goes to the performance team with
 * the figures.
 */
export async function diagnosePerformance(input: SpecialistInput): Promise<Diagnosis> {
  const reports = new Map(
    input.agents.length === 0 ? [] : (await input.healthOf(input.agents.map((a) => a.id))).map((r) => [r.id, r]),
  );
  const caches = new Map((input.cache?.namespaces ?? []).map((n) => [n.namespace, n]));
  const findings: string[] = [...input.unanswered];
  const slow: string[] = [];
  // Requests to an agent failing fast elsewhere say as much as its own figures: for the team, not the customer.
  const protocols = input.agents.length === 0 ? undefined : await input.protocolsOf(input.agents.map((a) => a.id));
  for (const agent of input.agents) {
    const answered = new Set(
      protocols?.protocols.filter((p) => p.answeredBy.some((a) => a.agent === agent.id)).map((p) => p.type),
    );
    for (const f of protocols?.findings ?? []) if (answered.has(f.type)) findings.push(`${agent.id}: ${f.message}.`);
    const report = reports.get(agent.id);
    const incident = report?.incident ?? undefined;
    const judged = report?.judgement;
    if (incident !== undefined) {
      findings.push(
        `${agent.id}: incident open since ${incident.openedAt}${incident.issueNumber === null ? '' : ` (#${incident.issueNumber})`}: ${incident.description}.`,
      );
      slow.push(
        `${agent.name} is ${incident.signals.includes('latency') ? 'slower than usual' : 'failing more than usual'} ` +
          `since ${incident.openedAt}; we are on it and will tell you when it is resolved.`,
      );
    } else if (judged?.state === 'regressed') {
      findings.push(`${agent.id}: regressed, no incident open yet: ${judged.summary}.`);
      slow.push(
        `${agent.name} is slower than usual right now (${judged.summary.replace(`${agent.id}: `, '')}); we are on it.`,
      );
    } else if (judged?.state === 'healthy') {
      findings.push(`${agent.id}: within its baseline: ${judged.summary}.`);
    } else {
      findings.push(`${agent.id}: ${judged?.why ?? 'no handling on record in the last week'}.`);
    }
    const cache = caches.get(agent.id);
    if (cache !== undefined && input.cache !== undefined)
      findings.push(describeCache(cache, input.cache.windowMinutes));
    if (agent.status === 'Offline') {
      findings.push(`${agent.id}: Offline, no live instance (last heartbeat ${agent.lastHeartbeatAt ?? 'never'}).`);
      slow.push(`${agent.name} is not running at the moment; its work waits and is handled when it is back.`);
    }
  }
  if (input.agents.length === 0) findings.push('No agent is named in the ticket and the customer has none on record.');
  return slow.length > 0
    ? { topic: 'performance', findings, answer: slow.join('\n\n'), assignee: 'wowsupport/performance', tier: 'L2' }
    : { topic: 'performance', findings, assignee: 'team:performance', tier: 'L2' };
}
