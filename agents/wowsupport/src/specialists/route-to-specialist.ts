import { asksStatus } from '../tiers/answer-status.ts';
import { diagnoseBilling } from './billing.ts';
import { classifyTopic, isL3Topic, type Topic } from './classify-topic.ts';
import type { Diagnosis, SpecialistInput } from './diagnosis.ts';
import { draftL3 } from './draft-l3.ts';
import { diagnoseGeneral } from './general.ts';
import { diagnoseIntegration } from './integration.ts';
import { diagnosePerformance } from './performance.ts';

/** The specialist for the ticket's topic, and what it found. */
export async function routeToSpecialist(input: SpecialistInput): Promise<Diagnosis> {
  const topic = await topicOf(input);
  switch (topic) {
    case 'security':
    case 'privacy':
    case 'outage':
      return draftL3(input, topic);
    case 'integration':
      return diagnoseIntegration(input);
    case 'performance':
      return diagnosePerformance(input);
    case 'billing':
      return diagnoseBilling(input);
    case 'general':
      return diagnoseGeneral(input);
  }
}

/**
 * The ticket's words decide, then the best article when it covers half the question or
 * more. A question about how an agent is doing, when that agent is Offline or in an
 * incident (as WowAnalytics reports it), is an outage whatever its words.
 */
async function topicOf(input: SpecialistInput): Promise<Topic> {
  const best = input.hits[0];
  const topic = classifyTopic(input.text, best !== undefined && best.coverage >= 0.5 ? best.intent : undefined);
  if (isL3Topic(topic) || input.agents.length === 0 || !asksStatus.test(input.text)) return topic;
  const health = await input.healthOf(input.agents.map((a) => a.id));
  return input.agents.some((a) => a.status === 'Offline' || health.some((h) => h.id === a.id && h.incident !== null))
    ? 'outage'
    : topic;
}
