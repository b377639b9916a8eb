import { csvDocument, markdownText } from '#platform';
import { countryName } from './countries.ts';
import type { LeadScores, ScoredLead } from './score-leads.ts';

const companyColumns = ['company', 'company_name', 'account', 'organisation', 'organization'];

/** The lead's company as the CSV names it, or its row. */
function companyOf(lead: ScoredLead): string {
  const column = Object.keys(lead.values).find((c) => companyColumns.includes(c.toLowerCase().replace(/\s+/g, '_')));
  const name = column === undefined ? '' : (lead.values[column] ?? '').trim();
  return name === '' ? `row ${lead.row}` : name;
}

const reasons = (lead: ScoredLead) =>
  lead.checks.map((c) => `${c.met === 'no' ? '✗' : c.met === 'partly' ? '½' : '✓'} ${c.reason}`);

/** The ranking as a sales team reads it: the profile, the tiers, then every lead with its reasons. */
export function renderScores(s: LeadScores): string {
  const { profile } = s;
  const size = profile.employees;
  const lines = [
    '# Leads scored',
    '',
    `${s.leads.length} lead(s): ${s.tiers.A} in tier A (80% or more), ${s.tiers.B} in tier B (50% or more), ${s.tiers.C} in tier C.`,
    '',
    '## Ideal customer profile',
    '',
    `- Industry (${profile.points.industry} points): ${profile.industries.map(markdownText).join(', ')}`,
  ];
  if (size !== null)
    lines.push(
      `- Employees (${profile.points.size} points, half for an overlapping range): ${size.min ?? 'any'} to ${size.max ?? 'any'}`,
    );
  if (profile.countries.length > 0)
    lines.push(`- Country (${profile.points.country} points): ${profile.countries.map(countryName).join(', ')}`);
  if (profile.titles.length > 0)
    lines.push(`- Title (${profile.points.title} points): ${profile.titles.map(markdownText).join(', ')}`);
  lines.push('', '## Ranking', '', `| rank | company | score | tier | reasons |`, '|---:|---|---:|---|---|');
  for (const l of s.leads)
    lines.push(
      `| ${l.rank} | ${markdownText(companyOf(l))} | ${l.score}/${s.maxScore} (${l.percent}%) | ${l.tier} | ${reasons(l).map(markdownText).join('; ')} |`,
    );
  lines.push('');
  return lines.join('\n');
}

/** The leads ranked, with their own columns kept, then the score, tier and reasons. */
export function scoresCsv(s: LeadScores): string {
  return csvDocument(
    ['rank', ...s.columns, 'score', 'percent', 'tier', 'reasons'],
    s.leads.map((l) => [
      l.rank,
      ...s.columns.map((c) => l.values[c] ?? ''),
      l.score,
      l.percent,
      l.tier,
      reasons(l).join('; '),
    ]),
  );
}
