import type { OrganisationContext } from './organisation-context.ts';

// The most of each part of the context a prompt carries: the model advises on it, it need not read it all.
const maxPast = 5;
const maxExcerpt = 600;

/**
 * The customer's organisation as the model reads it: what it told the trial questionnaire
 * (industry, goals, audience, tone, what a good result is), excerpts of what this agent
 * delivered before and how it was rated, so the prose fits this organisation.
 */
export function organisationBrief(org: OrganisationContext): string {
  const lines = ['The organisation you work for:'];
  const said: [string, string | undefined][] = [
    ['Industry', org.industry],
    ['Goals', org.goals],
    ['Audience', org.audience],
    ['Tone', org.tone],
    ['A good result for them', org.goodResult],
  ];
  for (const [label, value] of said)
    if (value !== undefined && value.trim() !== '') lines.push(`- ${label}: ${value.trim()}`);
  if (lines.length === 1) lines.push('- It has not described itself yet: advise for a business in general.');
  const stars = new Map(org.feedback.map((f) => [f.taskId, f.stars]));
  const past = org.pastDeliverables.slice(0, maxPast);
  if (past.length > 0) {
    lines.push('', 'What you delivered to them before (with their rating, when they gave one):');
    for (const d of past) {
      const rated = stars.get(d.taskId);
      lines.push(
        `- ${d.taskType} ${d.name}${rated === undefined ? '' : ` (rated ${rated}/5)`}: ${d.excerpt.slice(0, maxExcerpt)}`,
      );
    }
  }
  return lines.join('\n');
}
