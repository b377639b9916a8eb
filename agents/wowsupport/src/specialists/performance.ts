import {
  defaultHealthPolicy,
  describeHealth,
  healthFigures,
  judgeHealth,
  openIncidents,
} from '../../../wowanalytics/src/index.ts';
import { describeCache } from './ask-wowcache.ts';
import type { Diagnosis, SpecialistInput } from './diagnosis.ts';

/**
 * Performance: each agent concerned, now against its own baseline, any incident open for
 * it, and how its cache serves it (WowCache's figures: a low hit rate or many evictions
 * point the team at the loader). A regression we can see is told to the customer; none
 * goes to the performance team with the figures.
 */
export async function diagnosePerformance(input: SpecialistInput): Promise<Diagnosis> {
  const figures = new Map((await healthFigures(input.db, input.now, defaultHealthPolicy)).map((f) => [f.agentId, f]));
  const incidents = new Map((await openIncidents(input.db)).map((i) => [i.agentId, i]));
  const caches = new Map((input.cache?.namespaces ?? []).map((n) => [n.namespace, n]));
  const findings: string[] = [];
  const slow: string[] = [];
  for (const agent of input.agents) {
    const incident = incidents.get(agent.id);
    const f = figures.get(agent.id);
    const judged = f === undefined ? undefined : judgeHealth(f);
    if (incident !== undefined) {
      findings.push(
        `${agent.id}: incident open since ${incident.openedAt.toISOString()}${incident.issueNumber === null ? '' : ` (#${incident.issueNumber})`}: ${describeHealth(incident.latest, incident.signals)}.`,
      );
      slow.push(
        `${agent.name} is ${incident.signals.includes('latency') ? 'slower than usual' : 'failing more than usual'} since ${incident.openedAt.toISOString()}; we are on it and will tell you when it is resolved.`,
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
