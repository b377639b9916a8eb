import type { Diagnosis, SpecialistInput } from './diagnosis.ts';

/** No specialist topic: the ticket goes to the support team with what the knowledge base offered. */
export async function diagnoseGeneral(input: SpecialistInput): Promise<Diagnosis> {
  const findings =
    input.hits.length === 0
      ? ['No knowledge-base article matches the question.']
      : input.hits.map(
          (h) =>
            `Article "${h.title}" (kb:${h.slug}, ${h.intent}) covers ${Math.round(h.coverage * 100)}% of the question.`,
        );
  return Promise.resolve({ topic: 'general', findings, assignee: 'team:support', tier: 'L2' });
}
