import { readFile } from 'node:fs/promises';
import { default_w, forgetting_curve } from 'ts-fsrs';
import { describe, expect, it } from 'vitest';
import {
  createLlmClient,
  createLogger,
  deliverableLimits,
  deliverTask,
  TaskNeedsInput,
  type CustomerTask,
  type LlmClient,
} from '#platform';
import { createOpenAiDouble } from '../../../test/doubles/openai-api.ts';
import { readAnswers, readQuestions } from '../src/bank/read-bank.ts';
import { planReviews } from '../src/schedule/plan-reviews.ts';
import { cardsCsv, renderSchedule, scheduleCalendar } from '../src/schedule/render-schedule.ts';
import { scheduleInput } from '../src/task-inputs.ts';
import { planJson, schedule } from '../src/tools/schedule.ts';

// test-prep.schedule on a biology question bank and two weeks of a student's answers: FSRS's
// dates and recall, the day-by-day schedule under a daily limit and the weakest topics,
// exactly; bad and hostile input; and the model's path against the OpenAI-compatible double.
const fixture = (name: string) => readFile(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
const prompt = new URL('../prompts/schedule.md', import.meta.url);
const start = '2026-03-02';

function taskOf(input: Record<string, unknown>, llm?: LlmClient): CustomerTask {
  return {
    id: '5d2c1b0a-9e8f-4a7b-8c6d-5e4f3a2b1c0d',
    organisationId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    agentId: 'test-prep',
    type: 'test-prep.schedule',
    input,
    organisation: {
      industry: 'Test preparation',
      audience: 'Students sitting A-level biology',
      tone: 'Encouraging',
      pastDeliverables: [],
      feedback: [],
    },
    ...(llm === undefined ? {} : { llm }),
    log: createLogger('silent'),
  };
}

async function planned(days = 7, dailyLimit = 5) {
  const cards = readQuestions(await fixture('questions.csv'));
  return planReviews(cards, readAnswers(await fixture('answers.csv'), cards, start), { start, days, dailyLimit });
}

describe('test-prep.schedule on a question bank and past answers', () => {
  it("replays each card's answers through FSRS: its state, next review and recall on the first day", async () => {
    const plan = await planned();
    const card = (id: string) => plan.cards.find((c) => c.id === id);
    // One "good" on 18 February: FSRS's first stability for "good" is w[2] days, so 12 days later
    // the recall is the forgetting curve at 12 days, and the card fell due after 3 days.
    const decay = default_w[20] ?? 0;
    expect(card('gen-4')).toEqual({
      id: 'gen-4',
      topic: 'Genetics',
      question: 'How many chromosomes are in a human gamete?',
      state: 'review',
      reviews: 1,
      lapses: 0,
      lastAnswer: '2026-02-18',
      due: '2026-02-21',
      recall: Math.round(forgetting_curve(decay, 12, default_w[2] ?? 0) * 1000) / 10,
      planned: '2026-03-02',
    });
    expect(card('gen-4')?.recall).toBe(75.7);
    // "again" on a card in review is a lapse; three good answers push bio-1 two months out.
    expect(card('gen-2')).toMatchObject({ lapses: 1, due: '2026-02-23', recall: 65.4 });
    expect(card('bio-1')).toMatchObject({ due: '2026-05-05', recall: 99.3, planned: null });
    expect(card('evo-1')).toMatchObject({ state: 'new', reviews: 0, due: null, recall: null, planned: '2026-03-03' });
  });

  it('takes the least remembered due cards first, caps each day, fills with new cards and brings cards back', async () => {
    const plan = await planned();
    expect(plan.schedule.map((d) => [d.date, d.reviews, d.new])).toEqual([
      // Eight cards are due; the five with the lowest recall go first, the three others wait a day.
      ['2026-03-02', ['gen-1', 'gen-3', 'gen-2', 'bio-3', 'gen-4'], []],
      ['2026-03-03', ['eco-2', 'eco-1', 'bio-4'], ['eco-4', 'evo-1']],
      ['2026-03-04', ['eco-3'], ['evo-2', 'evo-3']],
      // Answered "good" on 2 March, the three genetics cards are due again three days later.
      ['2026-03-05', ['gen-1', 'gen-2', 'gen-3'], []],
      ['2026-03-06', ['eco-4', 'evo-1'], []],
      ['2026-03-07', ['evo-2', 'evo-3'], []],
      ['2026-03-08', [], []],
    ]);
    expect(plan.schedule.every((d) => d.reviews.length + d.new.length <= 5)).toBe(true);
    expect(plan.backlog).toBe(0);
  });

  it('ranks the topics weakest first: lowest recall, the untouched topic last', async () => {
    const plan = await planned();
    expect(plan.topics).toEqual([
      { topic: 'Genetics', cards: 4, answered: 4, answers: 9, againRate: 55.6, lapses: 3, recall: 66.3 },
      { topic: 'Ecology', cards: 4, answered: 3, answers: 4, againRate: 25, lapses: 0, recall: 85.5 },
      { topic: 'Cell biology', cards: 4, answered: 4, answers: 9, againRate: 11.1, lapses: 0, recall: 88.2 },
      { topic: 'Evolution', cards: 3, answered: 0, answers: 0, againRate: null, lapses: 0, recall: null },
    ]);
  });

  it('says how many cards a too-low daily limit leaves due on the last day', async () => {
    const plan = await planned(3, 2);
    expect(plan.schedule.map((d) => d.reviews.length + d.new.length)).toEqual([2, 2, 2]);
    // Eight answered cards are due on the first day and eco-3 on the third: six are studied (and
    // not due again for three days), three are left; new cards never got a turn, and are not due.
    expect(plan.backlog).toBe(3);
    expect(plan.schedule.flatMap((d) => d.new)).toEqual([]);
    expect(renderSchedule(plan)).toContain('3 card(s) are still due on the last day: the daily limit of 2 is too low');
  });

  it('renders the report, every card as CSV and one calendar event per study day', async () => {
    const plan = await planned();
    expect(renderSchedule(plan)).toBe(await fixture('schedule.md'));
    const csv = cardsCsv(plan).split('\r\n');
    expect(csv[0]).toBe('id,topic,question,state,answers,lapses,last_answer,recall_today,next_review,studied_on');
    expect(csv).toContain(
      'bio-3,Cell biology,"What does the cell membrane control, and how?",review,2,0,2026-02-17,72.9,2026-02-20,2026-03-02',
    );
    expect(csv).toContain('evo-3,Evolution,Give an example of convergent evolution.,new,0,0,,,,2026-03-04');
    const ics = scheduleCalendar(plan, 'task-1');
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(6);
    expect(ics).toContain(
      'UID:task-1-2026-03-05@waooaw\r\nSEQUENCE:0\r\nDTSTAMP:20260302T000000Z\r\nDTSTART;VALUE=DATE:20260305',
    );
    expect(ics).toContain('SUMMARY:Study 3 card(s): 3 review(s)\\, 0 new');
  });
});

describe('test-prep.schedule on bad and hostile input', () => {
  it('asks for what to fix when the schema cannot tell', () => {
    const cards = readQuestions('q1, Algebra, Solve x + 1 = 2');
    expect(() => readQuestions('q1, Algebra')).toThrow(
      new TaskNeedsInput('Line 1 of the questions needs three fields: id, topic, question.'),
    );
    expect(() => readQuestions('q1,A,x\nq1,B,y')).toThrow('Line 2 of the questions repeats the id "q1"');
    expect(() => readQuestions('q1,A,"open quote')).toThrow('The questions are not readable as CSV');
    expect(() => readAnswers('q9, 2026-01-01, good', cards, start)).toThrow(
      'is for the card "q9", which is not in the question bank',
    );
    expect(() => readAnswers('q1, 01/02/2026, good', cards, start)).toThrow(
      'has the date "01/02/2026"; write it as YYYY-MM-DD',
    );
    expect(() => readAnswers('q1, 2026-02-30, good', cards, start)).toThrow('write it as YYYY-MM-DD');
    expect(() => readAnswers('q1, 2026-01-01, constructor', cards, start)).toThrow('has the grade "constructor"');
    expect(() => readAnswers('q1, 2026-03-03, good', cards, start)).toThrow(
      "after the schedule's first day 2026-03-02",
    );
    // Numbered grades as Anki writes them.
    expect(
      readAnswers('id,date,grade\nq1, 2026-01-01, 1\nq1, 2026-01-02, 4', cards, start).map((a) => a.grade),
    ).toEqual(['again', 'easy']);
  });

  it('bounds the work: a huge text is refused by the schema, too many cards by the tool', () => {
    expect(scheduleInput.safeParse({ questions: 'x'.repeat(100_001) }).success).toBe(false);
    expect(scheduleInput.safeParse({ questions: 'q1,A,x', days: 61 }).success).toBe(false);
    const many = Array.from({ length: 2001 }, (_, i) => `q${i},T,x`).join('\n');
    expect(() => readQuestions(many)).toThrow('The question bank has 2001 cards; send at most 2000 in one task.');
  });

  it('keeps the largest bank within the size of a deliverable: JSON on one line, at most 50 cards named per event', async () => {
    const questions = Array.from(
      { length: 2000 },
      (_, i) => `card-${String(i).padStart(4, '0')},Topic ${i % 40},Q${i}`,
    ).join('\n');
    const done = await deliverTask(taskOf({ questions, start, days: 60, dailyLimit: 500 }), {
      input: scheduleInput,
      tool: schedule,
      prompt,
    });
    for (const d of done.deliverables)
      expect(Buffer.byteLength(String(d.content))).toBeLessThanOrEqual(deliverableLimits.maxBytes);
    const json = String(done.deliverables[2]?.content);
    expect(json.split('\n')).toHaveLength(2);
    const parsed = JSON.parse(json) as {
      backlog: number;
      schedule: { date: string; reviews: string[]; new: string[] }[];
    };
    expect(parsed.schedule).toHaveLength(60);
    expect(parsed.schedule[0]).toMatchObject({ date: start, reviews: [] });
    expect(parsed.schedule[0]?.new).toHaveLength(500);
    // iCalendar folds long lines at 75 octets: unfolded, the first day's event names 50 of its 500 cards.
    const unfolded = String(done.deliverables[3]?.content).replace(/\r\n[ \t]/g, '');
    expect(unfolded).toContain('DESCRIPTION:card-0000\\, card-0001\\,');
    expect(unfolded).toContain('card-0048\\, card-0049 and 450 more\r\n');
    expect(() => planJson({ text: 'x'.repeat(deliverableLimits.maxBytes) })).toThrow(
      'The schedule is too large for one task: send fewer cards, shorter ids or fewer days.',
    );
  });

  it("keeps a customer's Markdown, HTML and spreadsheet formulas as text", () => {
    const cards = readQuestions('"x|1","<script>alert(1)</script> **Bold**","=HYPERLINK(""http://evil.example"")"');
    const plan = planReviews(cards, [], { start, days: 1, dailyLimit: 5 });
    const report = renderSchedule(plan);
    expect(report).toContain('| x\\|1 | \\<script\\>alert(1)\\</script\\> \\*\\*Bold\\*\\* | new |');
    expect(report).not.toContain('<script>');
    expect(cardsCsv(plan)).toContain(`,"'=HYPERLINK(""http://evil.example"")",`);
  });
});

describe('test-prep.schedule delivered', () => {
  const input = async () => ({
    questions: await fixture('questions.csv'),
    answers: await fixture('answers.csv'),
    start,
    days: 7,
    dailyLimit: 5,
  });

  it('without a model: the report, the CSV, the JSON and the calendar', async () => {
    const done = await deliverTask(taskOf(await input()), { input: scheduleInput, tool: schedule, prompt });
    expect(done.model).toBeNull();
    expect(done.deliverables.map((d) => [d.name, d.mediaType])).toEqual([
      ['schedule.md', 'text/markdown'],
      ['cards.csv', 'text/csv'],
      ['schedule.json', 'application/json'],
      ['schedule.ics', 'text/calendar'],
    ]);
    expect(done.deliverables[0]?.content).toBe(await fixture('schedule.md'));
    expect(JSON.parse(String(done.deliverables[2]?.content))).toMatchObject({
      start,
      days: 7,
      dailyLimit: 5,
      backlog: 0,
      answers: 22,
    });
    expect(done.summary).toBe('scheduled 15 cards over 7 days for a learner in Test preparation');
  });

  it("with a model: the prompt carries the organisation's context and the report, and the reply joins it", async () => {
    const double = createOpenAiDouble(() => 'Start with genetics: three of its cards lapsed.');
    const llm = createLlmClient(
      { model: 'gpt-4o-mini', baseUrl: 'https://api.openai.example/v1', apiKey: 'sk-test' },
      { fetch: double.fetch },
    );
    const done = await deliverTask(taskOf(await input(), llm), { input: scheduleInput, tool: schedule, prompt });
    expect(double.violations).toEqual([]);
    const [system, user] = double.requests[0]?.messages ?? [];
    expect(system?.content).toContain('# Schedule reviews');
    expect(system?.content).toContain('- Audience: Students sitting A-level biology');
    expect(user?.content).toContain('What the tool found:\n# Study schedule');
    expect(done.deliverables[0]?.content).toBe(
      `${(await fixture('schedule.md')).trimEnd()}\n\n## Notes for your organisation\n\nStart with genetics: three of its cards lapsed.\n`,
    );
  });

  it('a bank the tool cannot read asks the customer to fix it', async () => {
    const asked = deliverTask(taskOf({ questions: 'q1;Algebra;Solve x' }), {
      input: scheduleInput,
      tool: schedule,
      prompt,
    });
    await expect(asked).rejects.toBeInstanceOf(TaskNeedsInput);
    await expect(asked).rejects.toThrow('Line 1 of the questions needs three fields: id, topic, question.');
  });
});
