import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  createLlmClient,
  createLogger,
  deliverTask,
  TaskNeedsInput,
  type CustomerTask,
  type LlmClient,
} from '#platform';
import { createOpenAiDouble } from '../../../test/doubles/openai-api.ts';
import { jobTerms, matchResume } from '../src/match/match-resume.ts';
import { renderMatch, termsCsv } from '../src/match/render-match.ts';
import { resumeSections } from '../src/match/resume-sections.ts';
import { runsOf, termsOf } from '../src/match/tokenize.ts';
import { matchInput } from '../src/task-inputs.ts';
import { match } from '../src/tools/match.ts';

// career.match on a teacher's résumé and an instructional designer's job description: the
// job's skills and keywords, what is missing and where the rest is, the score and the
// suggestions, exactly; bad and hostile input; the model's path against the OpenAI-compatible double.
const fixture = (name: string) => readFile(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
const prompt = new URL('../prompts/match.md', import.meta.url);

function taskOf(input: Record<string, unknown>, llm?: LlmClient): CustomerTask {
  return {
    id: '8f7e6d5c-4b3a-4291-8e0f-1a2b3c4d5e6f',
    organisationId: '3c4d5e6f-7081-4293-a4b5-c6d7e8f90a1b',
    agentId: 'career',
    type: 'career.match',
    input,
    organisation: {
      industry: 'Higher education',
      audience: 'Teachers moving into EdTech',
      tone: 'Direct and kind',
      pastDeliverables: [],
      feedback: [],
    },
    ...(llm === undefined ? {} : { llm }),
    log: createLogger('silent'),
  };
}

describe('the tokenizer', () => {
  it('keeps c++, node.js and e-learning whole, breaks phrases at stop words and punctuation, and counts stemmed phrases', () => {
    expect(runsOf('Experience with C++ and Node.js; e-learning tools, 5 years of SQL/Python.')).toEqual([
      ['c++'],
      ['node.js'],
      ['e-learning', 'tools'],
      ['sql'],
      ['python'],
    ]);
    const terms = termsOf(runsOf('Build REST APIs. Document the API for partner APIs'));
    expect(terms.get('api')).toMatchObject({ text: 'apis', count: 3, at: [1, 3, 5] });
    expect(terms.get('partner api')).toMatchObject({ text: 'partner apis', words: 2, count: 1 });
    expect(terms.has('build')).toBe(false);
  });
});

describe('career.match on a résumé and a job description', () => {
  it("extracts the job's skills and its repeated phrases, leaving out words only found inside longer ones", async () => {
    const { skills, keywords } = jobTerms(await fixture('job.txt'));
    expect(skills.map((t) => [t.text, t.count])).toEqual([
      ['assessments', 2],
      ['moodle', 2],
      ['e-learning', 1],
      ['lms', 1],
      ['user research', 1],
      ['instructional design', 1],
      ['curriculum design', 1],
      ['figma', 1],
      ['sql', 1],
    ]);
    // "instructional" occurs three times, always in "instructional designer" or "instructional design": it is left out.
    expect(keywords.map((t) => [t.text, t.count])).toEqual([
      ['courses', 4],
      ['learners', 4],
      ['online courses', 3],
      ['design', 3],
      ['instructional designer', 2],
      ['adult learners', 2],
      ['articulate storyline', 2],
      ['edtech', 2],
      ['learning', 2],
    ]);
  });

  it('finds the sections by their headings', async () => {
    expect(resumeSections(await fixture('resume.txt')).map((s) => [s.name, s.heading, s.lines.length])).toEqual([
      ['other', null, 2],
      ['summary', 'Summary', 1],
      ['experience', 'Experience', 5],
      ['skills', 'Skills', 1],
      ['education', 'Education', 2],
    ]);
    expect(resumeSections('## Core Competencies:\nSQL\n**Work History**\n- Analyst').map((s) => s.name)).toEqual([
      'skills',
      'experience',
    ]);
  });

  it('scores the match, lists what is missing and says what to change in each section', async () => {
    const made = matchResume(await fixture('resume.txt'), await fixture('job.txt'));
    // Shown: 4 skills × 2 + 2 keywords = 10 of 9 × 2 + 9 = 27: 37%.
    expect(made.score).toBe(37);
    expect(made.missing).toEqual({
      skills: ['e-learning', 'lms', 'user research', 'instructional design', 'sql'],
      keywords: [
        'courses',
        'learners',
        'online courses',
        'instructional designer',
        'adult learners',
        'articulate storyline',
        'edtech',
      ],
    });
    expect(made.terms.find((t) => t.text === 'assessment')).toEqual({
      text: 'assessment',
      kind: 'skill',
      count: 2,
      sections: ['experience', 'skills'],
    });
    expect(made.suggestions).toEqual([
      {
        section: 'summary',
        text: 'Name assessment, moodle and e-learning in the summary, where they are true of you: they are the first the job asks for.',
      },
      {
        section: 'skills',
        text: 'The job asks for e-learning, lms, user research, instructional design and sql, which the résumé never names: add those you have.',
      },
      {
        section: 'experience',
        text: 'Show curriculum design and figma in use: the Skills section lists them, but no experience or project says where.',
      },
      {
        section: 'experience',
        text:
          "Where true, use the job's own words in your bullets: courses, learners, online courses, instructional designer, " +
          'adult learners, articulate storyline and edtech.',
      },
    ]);
    expect(renderMatch(made)).toBe(await fixture('match.md'));
    expect(termsCsv(made).split('\r\n').slice(0, 3)).toEqual([
      'term,kind,job_count,resume_sections',
      'assessment,skill,2,experience skills',
      'moodle,skill,2,experience skills',
    ]);
  });

  it('asks for missing sections and figures when the résumé lacks them', () => {
    const resume =
      'Sam Lee\nAnalyst at a retail chain for five years, building weekly sales reports for store managers and ' +
      'regional directors, and training new analysts in forecasting, pricing reviews, stock planning and supplier ' +
      'negotiations across forty stores.\nExperience\n- Wrote sales reports\n- Trained analysts\n- Cleaned data';
    const job = 'Data analyst with SQL and Tableau. A degree in statistics. Tableau certification preferred.';
    const sections = matchResume(resume, job).suggestions.map((s) => s.section);
    // The job repeats no phrase but its skills, so there are no keywords to suggest.
    expect(sections).toEqual(['summary', 'skills', 'skills', 'experience', 'education', 'certifications']);
    expect(matchResume(resume, job).suggestions[3]?.text).toBe(
      '0 of 3 bullets give a figure: add numbers (how many, how much, how fast) to show results.',
    );
  });
});

describe('career.match on bad and hostile input', () => {
  it('asks for the full texts when there is too little to match', () => {
    const resume = 'Summary\n' + 'Teacher of chemistry and physics for eight years in secondary schools. '.repeat(4);
    expect(() => matchResume(resume, 'Hiring now, apply today!')).toThrow(
      new TaskNeedsInput(
        'The job description gives too few skills or repeated terms to match on: paste its full text.',
      ),
    );
    expect(() => matchResume('Summary\nTeacher', 'SQL, Python, Tableau and Excel.')).toThrow(
      'The résumé has 2 content words',
    );
  });

  it('refuses huge input by the schema and keeps Markdown and HTML as text', () => {
    expect(matchInput.safeParse({ resume: 'x'.repeat(30_001), job: 'SQL' }).success).toBe(false);
    expect(matchInput.safeParse({ resume: 'x', job: 'x'.repeat(20_001) }).success).toBe(false);
    const resume =
      '## Summary\nAnalyst <script>alert(1)</script> with **SQL** and Python, building [reports](http://evil.example) ' +
      'for sales teams across twelve regions, weekly, with dashboards and forecasts for the managers of each store, ' +
      'pricing reviews, stock planning, supplier scorecards, quarterly board packs and monthly margin analysis.';
    const made = matchResume(
      resume,
      'SQL, Python, Tableau and Excel. <img src=x onerror=alert(1)> Tableau dashboards.',
    );
    const report = renderMatch(made);
    // The report carries only the job's words, lower case, letters and digits: no markup of either text survives.
    expect(report).not.toMatch(/<|\bscript\b|onerror|evil|\]\(/);
    expect(made.terms.map((t) => t.text)).toEqual(['tableau', 'sql', 'python', 'excel']);
  });
});

describe('career.match delivered', () => {
  const input = async () => ({ resume: await fixture('resume.txt'), job: await fixture('job.txt') });

  it('without a model: the report, the CSV and the JSON', async () => {
    const done = await deliverTask(taskOf(await input()), { input: matchInput, tool: match, prompt });
    expect(done.model).toBeNull();
    expect(done.deliverables.map((d) => [d.name, d.mediaType])).toEqual([
      ['match.md', 'text/markdown'],
      ['terms.csv', 'text/csv'],
      ['match.json', 'application/json'],
    ]);
    expect(done.deliverables[0]?.content).toBe(await fixture('match.md'));
    expect(JSON.parse(String(done.deliverables[2]?.content))).toMatchObject({ score: 37 });
    expect(done.summary).toBe('matched a résumé to a job (37%) for a job seeker in Higher education');
  });

  it("with a model: the prompt carries the organisation's context and the report, and the reply joins it", async () => {
    const double = createOpenAiDouble(() => 'Lead with your Moodle course building: it is the closest match.');
    const llm = createLlmClient(
      { model: 'gpt-4o-mini', baseUrl: 'https://api.openai.example/v1', apiKey: 'sk-test' },
      { fetch: double.fetch },
    );
    const done = await deliverTask(taskOf(await input(), llm), { input: matchInput, tool: match, prompt });
    expect(double.violations).toEqual([]);
    const [system, user] = double.requests[0]?.messages ?? [];
    expect(system?.content).toContain('# Match a résumé to a job');
    expect(system?.content).toContain('- Audience: Teachers moving into EdTech');
    expect(user?.content).toContain('What the tool found:\n# Résumé match: 37%');
    expect(done.deliverables[0]?.content).toBe(
      `${(await fixture('match.md')).trimEnd()}\n\n## Notes for your organisation\n\nLead with your Moodle course building: it is the closest match.\n`,
    );
  });
});
