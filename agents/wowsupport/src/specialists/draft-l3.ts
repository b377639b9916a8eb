import type { Diagnosis, SpecialistInput } from './diagnosis.ts';
import type { Topic } from './classify-topic.ts';

/**
 * L3 (security, privacy, outage): a resolution drafted from what the platform knows, for
 * a person of the approvers to send or change. Nothing here reaches the customer unapproved.
 */
export async function draftL3(
  input: SpecialistInput,
  topic: Extract<Topic, 'security' | 'privacy' | 'outage'>,
): Promise<Diagnosis> {
  const findings: string[] = [];
  const parts: string[] = [];
  if (topic === 'outage') {
    // The incidents of the agents concerned, or of every agent when the ticket concerns none, as WowAnalytics reports them.
    const reported = await input.healthOf(input.agents.length === 0 ? undefined : input.agents.map((a) => a.id));
    for (const { id, incident: i } of reported) {
      if (i === null) continue;
      findings.push(
        `Open incident on ${id} since ${i.openedAt}${i.issueNumber === null ? '' : ` (#${i.issueNumber})`}: ${i.description}.`,
      );
      parts.push(
        `We are aware that ${id} is ${i.signals.includes('errors') ? 'failing more often than usual' : 'slower than usual'} since ${i.openedAt}, and we are working on it. We will tell you as soon as it is resolved.`,
      );
    }
    for (const a of input.agents.filter((x) => x.status === 'Offline')) {
      findings.push(`${a.id} is Offline (last heartbeat ${a.lastHeartbeatAt ?? 'never'}).`);
      parts.push(`${a.name} is not running at the moment; work sent to it waits and is handled when it is back.`);
    }
    if (parts.length === 0) {
      findings.push('No open incident and every agent concerned is running.');
      parts.push(
        'We see no incident on our side right now. Could you send us the time of the failures and the request or delivery ids you received, so we can trace them?',
      );
    }
  }
  const article = input.hits.find((h) => h.intent === topic) ?? (topic === 'outage' ? undefined : input.hits[0]);
  if (article !== undefined) {
    findings.push(`Drafted from "${article.title}" (kb:${article.slug}).`);
    parts.push(`${article.excerpt.trim()}\n\nFrom "${article.title}" (kb:${article.slug}).`);
  } else if (topic !== 'outage') {
    findings.push(`No ${topic} article in the knowledge base: the draft only acknowledges; please write the answer.`);
    parts.push(
      `Thank you for telling us. Our ${topic} team is looking into this now and will reply with what we find and what you should do.`,
    );
  }
  return { topic, findings, answer: parts.join('\n\n'), assignee: `team:${topic}`, tier: 'L3' };
}
