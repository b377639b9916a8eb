import { TaskNeedsInput } from '#platform';
import { resumeSections, type SectionName } from './resume-sections.ts';
import { knownSkills } from './skills.ts';
import { runsOf, termsOf, type Term } from './tokenize.ts';
import { stem } from './words.ts';

export interface JobTerm {
  text: string;
  kind: 'skill' | 'keyword';
  /** How often the job description says it. */
  count: number;
  /** The résumé's sections that say it (empty: missing). */
  sections: SectionName[];
}

export interface Suggestion {
  section: SectionName;
  text: string;
}

export interface ResumeMatch {
  /** The share of the job's terms the résumé shows, skills counting double, in percent. */
  score: number;
  terms: JobTerm[];
  missing: { skills: string[]; keywords: string[] };
  sections: { name: SectionName; heading: string | null; words: number }[];
  suggestions: Suggestion[];
}

export const matchLimits = { keywords: 25, minJobTerms: 3, minResumeWords: 30 } as const;

const skillKeys = new Map(knownSkills.map((s) => [s.split(' ').map(stem).join(' '), s]));
const weight = (t: JobTerm) => (t.kind === 'skill' ? 2 : 1);
const list = (items: readonly string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1) ?? ''}`;

const firstAt = (t: Term) => t.at[0] ?? 0;

/** Whether each occurrence of `t` lies inside an occurrence of one of the longer phrases. */
function alwaysInside(t: Term, longer: readonly Term[]): boolean {
  return t.at.every((p) =>
    longer.some((l) => l.words > t.words && l.at.some((q) => q <= p && p + t.words <= q + l.words)),
  );
}

/**
 * The job's terms: the known skills it names, then its keywords, the phrases it repeats (at
 * least twice), most often first, longer phrases before shorter at equal counts; a phrase
 * that only ever occurs inside a longer skill or keyword ("instructional" in "instructional
 * designer") is left out.
 */
export function jobTerms(job: string): { skills: Term[]; keywords: Term[] } {
  const terms = [...termsOf(runsOf(job)).values()];
  const skills = terms.filter((t) => skillKeys.has(t.key)).sort((a, b) => b.count - a.count || firstAt(a) - firstAt(b));
  const repeated = terms.filter((t) => t.count >= 2 && !skillKeys.has(t.key));
  const keywords = repeated
    .filter((t) => !alwaysInside(t, [...skills, ...repeated]))
    .sort((a, b) => b.count - a.count || b.words - a.words || firstAt(a) - firstAt(b))
    .slice(0, matchLimits.keywords);
  return { skills, keywords };
}

/**
 * A résumé matched against a job description: the job's skills and keywords, the sections of
 * the résumé that say each, the score, and suggestions for each section.
 */
export function matchResume(resume: string, job: string): ResumeMatch {
  const { skills, keywords } = jobTerms(job);
  if (skills.length + keywords.length < matchLimits.minJobTerms)
    throw new TaskNeedsInput(
      'The job description gives too few skills or repeated terms to match on: paste its full text.',
    );
  const sections = resumeSections(resume);
  const resumeWords = runsOf(resume).flat().length;
  if (resumeWords < matchLimits.minResumeWords)
    throw new TaskNeedsInput(
      `The résumé has ${resumeWords} content words: paste its full text, with its section headings.`,
    );

  const said = sections.map((s) => ({ name: s.name, keys: new Set(termsOf(runsOf(s.lines.join('\n'))).keys()) }));
  const found = (t: Term) => [...new Set(said.filter((s) => s.keys.has(t.key)).map((s) => s.name))];
  const terms: JobTerm[] = [
    ...skills.map((t): JobTerm => ({
      text: skillKeys.get(t.key) ?? t.text,
      kind: 'skill',
      count: t.count,
      sections: found(t),
    })),
    ...keywords.map((t): JobTerm => ({ text: t.text, kind: 'keyword', count: t.count, sections: found(t) })),
  ];
  const total = terms.reduce((sum, t) => sum + weight(t), 0);
  const shown = terms.filter((t) => t.sections.length > 0).reduce((sum, t) => sum + weight(t), 0);
  const missing = {
    skills: terms.filter((t) => t.kind === 'skill' && t.sections.length === 0).map((t) => t.text),
    keywords: terms.filter((t) => t.kind === 'keyword' && t.sections.length === 0).map((t) => t.text),
  };
  return {
    score: Math.round((shown / total) * 100),
    terms,
    missing,
    sections: sections.map((s) => ({
      name: s.name,
      heading: s.heading,
      words: runsOf(s.lines.join('\n')).flat().length,
    })),
    suggestions: suggest(terms, missing, sections, job),
  };
}

const degree = /\b(?:bachelor|master|degree|phd|doctorate|diploma|mba|b\.?sc|m\.?sc|b\.?ed|m\.?ed)\b/i;
const certificate = /\b(?:certifi\w*|licen[cs]\w*)\b/i;
const bulleted = /^(?:[-*•▪]|\d+[.)])\s+/;

/** What to change in each section, from what the job asks and what the résumé shows where. */
function suggest(
  terms: readonly JobTerm[],
  missing: ResumeMatch['missing'],
  sections: ReturnType<typeof resumeSections>,
  job: string,
): Suggestion[] {
  const has = (name: SectionName) => sections.some((s) => s.name === name);
  const out: Suggestion[] = [];
  const top = terms
    .filter((t) => t.kind === 'skill')
    .slice(0, 3)
    .map((t) => t.text);

  if (!has('summary'))
    out.push({
      section: 'summary',
      text: `Add a summary of two or three lines that names the role and your strongest matching skills${top.length > 0 ? ` (${list(top)})` : ''}.`,
    });
  else {
    const lead = terms
      .filter((t) => !t.sections.includes('summary'))
      .slice(0, 3)
      .map((t) => t.text);
    if (lead.length > 0)
      out.push({
        section: 'summary',
        text: `Name ${list(lead)} in the summary, where they are true of you: they are the first the job asks for.`,
      });
  }

  if (!has('skills'))
    out.push({
      section: 'skills',
      text: `Add a Skills section listing the job's skills you have${top.length > 0 ? `, e.g. ${list(top)}` : ''}.`,
    });
  if (missing.skills.length > 0)
    out.push({
      section: 'skills',
      text: `The job asks for ${list(missing.skills)}, which the résumé never names: add those you have.`,
    });
  const unbacked = terms
    .filter(
      (t) =>
        t.kind === 'skill' &&
        t.sections.includes('skills') &&
        !t.sections.some((s) => s === 'experience' || s === 'projects'),
    )
    .map((t) => t.text);
  if (unbacked.length > 0)
    out.push({
      section: 'experience',
      text: `Show ${list(unbacked)} in use: the Skills section lists them, but no experience or project says where.`,
    });

  const experience = sections.filter((s) => s.name === 'experience').flatMap((s) => s.lines);
  if (experience.length === 0)
    out.push({
      section: 'experience',
      text: 'Add an Experience section: roles, dates and what you achieved in each, as bullets.',
    });
  else {
    const bullets = experience.filter((l) => bulleted.test(l));
    const figures = bullets.filter((l) => /\d/.test(l)).length;
    if (bullets.length > 0 && figures * 2 < bullets.length)
      out.push({
        section: 'experience',
        text: `${figures} of ${bullets.length} bullets give a figure: add numbers (how many, how much, how fast) to show results.`,
      });
  }
  if (missing.keywords.length > 0)
    out.push({
      section: 'experience',
      text: `Where true, use the job's own words in your bullets: ${list(missing.keywords.slice(0, 8))}.`,
    });

  if (degree.test(job) && !has('education'))
    out.push({
      section: 'education',
      text: 'The job asks for a qualification: add an Education section with your degree and its year.',
    });
  if (certificate.test(job) && !has('certifications'))
    out.push({
      section: 'certifications',
      text: 'The job mentions certification or licensing: list yours in a Certifications section.',
    });
  return out;
}
