/** The parts of a résumé suggestions are made for. */
export type SectionName = 'summary' | 'experience' | 'skills' | 'education' | 'projects' | 'certifications' | 'other';

export interface ResumeSection {
  name: SectionName;
  /** The heading as written (null for the lines before the first heading: the name and contact details). */
  heading: string | null;
  lines: string[];
}

const headings: Record<Exclude<SectionName, 'other'>, string[]> = {
  summary: [
    'summary',
    'profile',
    'professional summary',
    'objective',
    'career objective',
    'about me',
    'personal statement',
  ],
  experience: [
    'experience',
    'work experience',
    'professional experience',
    'employment',
    'employment history',
    'work history',
    'career history',
  ],
  skills: ['skills', 'technical skills', 'key skills', 'core skills', 'competencies', 'core competencies', 'expertise'],
  education: ['education', 'academic background', 'education and training', 'qualifications'],
  projects: ['projects', 'selected projects', 'portfolio'],
  certifications: ['certifications', 'certificates', 'licenses', 'licences', 'licenses and certifications', 'courses'],
};
// Other headings a résumé has, so that their lines are not taken for the section before.
const otherHeadings = [
  'languages',
  'interests',
  'hobbies',
  'references',
  'awards',
  'achievements',
  'publications',
  'volunteering',
  'contact',
];

/** A line as a heading: without Markdown marks and a closing colon, lower case. */
const bare = (line: string) =>
  line
    .replace(/^[#*_\s]+|[*_:\s]+$/g, '')
    .replace(/\s+/g, ' ')
    .toLowerCase();

/** The section a line heads, or undefined when it is not a heading. */
function headingOf(line: string): SectionName | undefined {
  const name = bare(line);
  if (name === '' || name.length > 40) return undefined;
  for (const [section, names] of Object.entries(headings)) if (names.includes(name)) return section as SectionName;
  return otherHeadings.includes(name) ? 'other' : undefined;
}

/** A résumé's sections in order, by their headings; the lines before the first heading are 'other'. */
export function resumeSections(text: string): ResumeSection[] {
  const sections: ResumeSection[] = [{ name: 'other', heading: null, lines: [] }];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const name = headingOf(line);
    if (name !== undefined) sections.push({ name, heading: line.replace(/^[#*_\s]+|[*_:\s]+$/g, ''), lines: [] });
    else if (line !== '') sections.at(-1)?.lines.push(line);
  }
  return sections.filter((s) => s.heading !== null || s.lines.length > 0);
}
