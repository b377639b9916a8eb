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
import { planStudy, shareSessions, spreadTopics } from '../src/plan/plan-study.ts';
import { readTime, readTimeZone, readTopics, readWeekdays } from '../src/plan/read-plan-input.ts';
import { planCalendar, renderPlan } from '../src/plan/render-plan.ts';
import { zonedInstant } from '../src/plan/zoned-time.ts';
import { planInput } from '../src/task-inputs.ts';
import { plan } from '../src/tools/plan.ts';

// study.plan for a chemistry exam in London across the clocks going forward: the sessions'
// days and exact instants, the topics' shares and their spread, the review sessions, bad and
// hostile input, and the model's path against the OpenAI-compatible double.
const fixture = (name: string) => readFile(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
const prompt = new URL('../prompts/plan.md', import.meta.url);

function taskOf(input: Record<string, unknown>, llm?: LlmClient): CustomerTask {
  return {
    id: '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918',
    organisationId: '2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901',
    agentId: 'study',
    type: 'study.plan',
    input,
    organisation: {
      industry: 'Tutoring',
      audience: 'A-level chemistry students',
      tone: 'Calm and practical',
      pastDeliverables: [],
      feedback: [],
    },
    ...(llm === undefined ? {} : { llm }),
    log: createLogger('silent'),
  };
}

const chemistry = async () =>
  planStudy(readTopics(await fixture('topics.txt')), {
    start: '2026-03-02',
    exam: '2026-04-13',
    weekdays: readWeekdays('mon, Wed, saturday'),
    hoursPerWeek: 6,
    sessionTime: readTime('18:30'),
    timezone: 'Europe/London',
  });

describe('study.plan for an exam six weeks away', () => {
  it('puts sessions on the chosen weekdays up to the day before the exam, at the same wall-clock time across the clock change', async () => {
    const made = await chemistry();
    expect(made.rule).toBe('RRULE:FREQ=WEEKLY;BYDAY=MO,WE,SA;UNTIL=20260412T000000Z');
    expect(made.sessions).toHaveLength(18);
    expect(new Set(made.sessions.map((s) => s.weekday))).toEqual(new Set(['Monday', 'Wednesday', 'Saturday']));
    expect(made.sessions.at(-1)).toMatchObject({ n: 18, date: '2026-04-11', weekday: 'Saturday' });
    // London is on GMT until 29 March, then on BST: 18:30 there is 18:30 UTC, then 17:30 UTC.
    expect(made.sessions[11]).toMatchObject({
      date: '2026-03-28',
      start: '18:30',
      end: '20:30',
      startUtc: '2026-03-28T18:30:00.000Z',
      endUtc: '2026-03-28T20:30:00.000Z',
    });
    expect(made.sessions[12]).toMatchObject({
      date: '2026-03-30',
      start: '18:30',
      startUtc: '2026-03-30T17:30:00.000Z',
      endUtc: '2026-03-30T19:30:00.000Z',
    });
    expect(made.sessionMinutes).toBe(120);
  });

  it('shares the study sessions by difficulty, spreads each topic over the weeks and keeps a week for review', async () => {
    const made = await chemistry();
    // 15 study sessions: one each, then 9 shared 5:4:3:2:2:1 by largest remainder.
    expect(made.topics.map((t) => [t.name, t.difficulty, t.sessions, t.hours])).toEqual([
      ['Organic chemistry', 5, 4, 8],
      ['Thermodynamics', 4, 3, 6],
      ['Kinetics', 3, 3, 6],
      ['Atomic structure', 2, 2, 4],
      ['Bonding', 2, 2, 4],
      ['The periodic table', 1, 1, 2],
    ]);
    const organic = made.sessions
      .filter((s) => s.topics.includes('Organic chemistry') && s.kind === 'study')
      .map((s) => s.n);
    expect(organic).toEqual([1, 6, 10, 15]);
    expect(made.sessions.filter((s) => s.kind === 'review').map((s) => [s.date, s.topics])).toEqual([
      ['2026-04-06', ['Organic chemistry', 'Atomic structure']],
      ['2026-04-08', ['Thermodynamics', 'Bonding']],
      ['2026-04-11', ['Kinetics', 'The periodic table']],
    ]);
    expect(renderPlan(made)).toBe(await fixture('plan.md'));
  });

  it('writes each session as an exact UTC instant in the calendar, with the local time in its description', async () => {
    const ics = planCalendar(await chemistry(), 'task-9');
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(18);
    expect(ics).toContain(
      'UID:task-9-13@waooaw\r\nSEQUENCE:0\r\nDTSTAMP:20260302T000000Z\r\nDTSTART:20260330T173000Z\r\nDTEND:20260330T193000Z\r\n' +
        'SUMMARY:Study: Thermodynamics\r\nDESCRIPTION:Session 13 of 18\\, 2026-03-30 18:30–20:30 (Europe/London).',
    );
    expect(ics).toContain('SUMMARY:Review: Kinetics\\, The periodic table');
  });

  it('shares and spreads exactly on their own', () => {
    const topics = [
      { name: 'A', difficulty: 1 },
      { name: 'B', difficulty: 3 },
    ];
    expect(shareSessions(topics, 6)).toEqual([2, 4]);
    // 4 sessions: one each, then 2 × 1/4 and 2 × 3/4 leave equal remainders: the harder topic takes the last.
    expect(shareSessions(topics, 4)).toEqual([1, 3]);
    // Equal difficulties and remainders: the earlier line.
    expect(shareSessions([{ name: 'A', difficulty: 1 }, ...topics], 5)).toEqual([2, 1, 2]);
    expect(spreadTopics(topics, [2, 4])).toEqual([1, 0, 1, 1, 0, 1]);
  });

  it('reads local times as RFC 5545 does: the first of a repeated hour, after a skipped one', () => {
    expect(zonedInstant('2026-03-02', 18 * 60, 'Asia/Kolkata').toISOString()).toBe('2026-03-02T12:30:00.000Z');
    expect(zonedInstant('2026-11-01', 90, 'America/New_York').toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(zonedInstant('2026-03-08', 150, 'America/New_York').toISOString()).toBe('2026-03-08T07:30:00.000Z');
  });
});

describe('study.plan on bad and hostile input', () => {
  it('asks for what to fix when the schema cannot tell', () => {
    expect(() => readTopics('Algebra')).toThrow(
      new TaskNeedsInput(
        'Topic line 1 needs a name and a difficulty from 1 to 5 (or easy, medium, hard), as "Algebra, 4".',
      ),
    );
    expect(() => readTopics('Algebra, 6')).toThrow('Topic line 1 needs a name and a difficulty');
    expect(() => readTopics('Algebra, constructor')).toThrow('Topic line 1 needs a name and a difficulty');
    expect(() => readTopics('Algebra, 2\nalgebra, 3')).toThrow('Topic line 2 repeats the topic "algebra".');
    expect(() => readWeekdays('mon, funday')).toThrow('"funday" is not a weekday');
    expect(() => readTime('6pm')).toThrow('write it as HH:MM');
    expect(() => readTimeZone('Mars/Olympus')).toThrow('"Mars/Olympus" is not a time zone');
    expect(readTimeZone('Asia/Kolkata')).toBe('Asia/Kolkata');
    const topics = readTopics('Algebra, 3\nGeometry, 2\nProbability, 4');
    const opts = { weekdays: readWeekdays('sat'), hoursPerWeek: 3, sessionTime: 600, timezone: 'UTC' };
    expect(() => planStudy(topics, { ...opts, start: '2026-03-02', exam: '2026-03-02' })).toThrow(
      'must be after the plan',
    );
    expect(() => planStudy(topics, { ...opts, start: '2026-03-02', exam: '2027-06-01' })).toThrow(
      'plan at most a year',
    );
    expect(() => planStudy(topics, { ...opts, start: '2026-03-02', exam: '2026-03-20' })).toThrow(
      '3 topics need at least 3 study sessions, and the days to the exam give 1 (2 sessions, 1 for review)',
    );
    expect(() => planStudy(topics, { ...opts, hoursPerWeek: 13, start: '2026-03-02', exam: '2026-06-01' })).toThrow(
      '13 hours a week on 1 day(s) is 13 hours a session: add study days.',
    );
  });

  it('refuses huge input by the schema and keeps Markdown and HTML in topic names as text', async () => {
    expect(
      planInput.safeParse({ topics: 'x'.repeat(4001), exam: '2026-04-13', weekdays: 'mon', hoursPerWeek: 5 }).success,
    ).toBe(false);
    expect(planInput.safeParse({ topics: 'A, 1', exam: '2026-04-13', weekdays: 'mon', hoursPerWeek: 61 }).success).toBe(
      false,
    );
    expect(() => readTopics(Array.from({ length: 41 }, (_, i) => `T${i}, 1`).join('\n'))).toThrow('plan at most 40');
    const made = planStudy(readTopics('<img src=x onerror=alert(1)> | [click](http://evil.example), 5'), {
      start: '2026-03-02',
      exam: '2026-03-10',
      weekdays: readWeekdays('mon tue'),
      hoursPerWeek: 2,
      sessionTime: 600,
      timezone: 'UTC',
    });
    const report = renderPlan(made);
    expect(report).toContain('| \\<img src=x onerror=alert(1)\\> \\| \\[click\\](http://evil.example) | 5 | 2 | 2 |');
    expect(report).not.toMatch(/(?<!\\)<img/);
  });
});

describe('study.plan delivered', () => {
  const input = async () => ({
    topics: await fixture('topics.txt'),
    exam: '2026-04-13',
    weekdays: 'mon, Wed, saturday',
    hoursPerWeek: 6,
    sessionTime: '18:30',
    timezone: 'Europe/London',
    start: '2026-03-02',
  });

  it('without a model: the report, the JSON and the calendar', async () => {
    const done = await deliverTask(taskOf(await input()), { input: planInput, tool: plan, prompt });
    expect(done.model).toBeNull();
    expect(done.deliverables.map((d) => [d.name, d.mediaType])).toEqual([
      ['plan.md', 'text/markdown'],
      ['plan.json', 'application/json'],
      ['plan.ics', 'text/calendar'],
    ]);
    expect(done.deliverables[0]?.content).toBe(await fixture('plan.md'));
    expect(JSON.parse(String(done.deliverables[1]?.content))).toMatchObject({
      timezone: 'Europe/London',
      weeks: 6,
      sessionMinutes: 120,
    });
    expect(done.summary).toBe('planned 18 study sessions over 6 weeks for a learner in Tutoring');
  });

  it("with a model: the prompt carries the organisation's context and the report, and the reply joins it", async () => {
    const double = createOpenAiDouble(() => 'Organic chemistry carries the most marks: keep its four sessions.');
    const llm = createLlmClient(
      { model: 'gpt-4o-mini', baseUrl: 'https://api.openai.example/v1', apiKey: 'sk-test' },
      { fetch: double.fetch },
    );
    const done = await deliverTask(taskOf(await input(), llm), { input: planInput, tool: plan, prompt });
    expect(double.violations).toEqual([]);
    const [system, user] = double.requests[0]?.messages ?? [];
    expect(system?.content).toContain('# Plan study to an exam');
    expect(system?.content).toContain('- Audience: A-level chemistry students');
    expect(user?.content).toContain('What the tool found:\n# Study plan to the exam on 2026-04-13');
    expect(done.deliverables[0]?.content).toBe(
      `${(await fixture('plan.md')).trimEnd()}\n\n## Notes for your organisation\n\nOrganic chemistry carries the most marks: keep its four sessions.\n`,
    );
  });

  it('a plan the days cannot hold asks the customer to change it', async () => {
    const asked = deliverTask(taskOf({ ...(await input()), exam: '2026-03-05' }), {
      input: planInput,
      tool: plan,
      prompt,
    });
    await expect(asked).rejects.toBeInstanceOf(TaskNeedsInput);
    await expect(asked).rejects.toThrow('6 topics need at least 6 study sessions');
  });
});
