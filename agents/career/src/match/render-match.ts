import { markdownText } from '#platform';
import type { ResumeMatch } from './match-resume.ts';

const sectionTitles = {
  summary: 'Summary',
  experience: 'Experience',
  skills: 'Skills',
  education: 'Education',
  projects: 'Projects',
  certifications: 'Certifications',
  other: 'Other',
} as const;

/** The match as the job seeker reads it: the score, what is missing, what to change where, then every term. */
export function renderMatch(match: ResumeMatch): string {
  const count = (kind: 'skill' | 'keyword') => {
    const all = match.terms.filter((t) => t.kind === kind);
    return `${all.filter((t) => t.sections.length > 0).length} of ${all.length}`;
  };
  const lines = [
    `# Résumé match: ${match.score}%`,
    '',
    `The résumé shows ${count('skill')} skills and ${count('keyword')} keywords from the job description (skills count double).`,
    '',
    '## Missing from the résumé',
    '',
    `- Skills: ${match.missing.skills.length === 0 ? 'none' : match.missing.skills.map(markdownText).join(', ')}`,
    `- Keywords: ${match.missing.keywords.length === 0 ? 'none' : match.missing.keywords.map(markdownText).join(', ')}`,
    '',
    '## Suggestions',
    '',
  ];
  for (const name of Object.keys(sectionTitles) as (keyof typeof sectionTitles)[]) {
    const here = match.suggestions.filter((s) => s.section === name);
    if (here.length === 0) continue;
    lines.push(`### ${sectionTitles[name]}`, '', ...here.map((s) => `- ${markdownText(s.text)}`), '');
  }
  lines.push(
    '## Skills and keywords of the job',
    '',
    '| term | kind | times in the job | in the résumé |',
    '|---|---|---:|---|',
    ...match.terms.map((t) => {
      const where = t.sections.length === 0 ? '**missing**' : t.sections.map((s) => sectionTitles[s]).join(', ');
      return `| ${markdownText(t.text)} | ${t.kind} | ${t.count} | ${where} |`;
    }),
    '',
  );
  return lines.join('\n');
}

/** A cell a spreadsheet shows as text: quoted when needed, never read as a formula. */
function cell(value: string | number): string {
  const text = String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Every term of the job, one a row, with where the résumé says it. */
export function termsCsv(match: ResumeMatch): string {
  const rows = match.terms.map((t) => [t.text, t.kind, t.count, t.sections.join(' ')].map(cell).join(','));
  return `${['term,kind,job_count,resume_sections', ...rows].join('\r\n')}\r\n`;
}
