import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createLogger, deliverTask, TaskNeedsInput, type CustomerTask } from '#platform';
import { markAnswers } from '../src/marking/mark-answers.ts';
import { renderMarks } from '../src/marking/render-marks.ts';
import { checkInput } from '../src/task-inputs.ts';
import { check } from '../src/tools/check.ts';

// homework.check on a real problem set, exactly: which answers are wrong, at which step, by
// how much, and the slip the tool names.
const fixture = (name: string) => readFile(new URL(`fixtures/${name}`, import.meta.url), 'utf8');

function taskOf(input: Record<string, unknown>): CustomerTask {
  return {
    id: '3c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
    organisationId: '9e8d7c6b-5a49-4382-9716-a5b4c3d2e1f0',
    agentId: 'homework',
    type: 'homework.check',
    input,
    organisation: { industry: 'Homeschooling', pastDeliverables: [], feedback: [] },
    log: createLogger('silent'),
  };
}

const deliver = (input: Record<string, unknown>) =>
  deliverTask(taskOf(input), {
    input: checkInput,
    tool: check,
    prompt: new URL('../prompts/check.md', import.meta.url),
  });

describe('homework.check', () => {
  it('marks a problem set: the score, the first wrong step of each, and the slip behind it', async () => {
    const marked = markAnswers(await fixture('problem-set.txt'), null);
    expect(marked).toMatchObject({ right: 3, wrong: 7, undecided: 0 });
    expect(marked.problems.map((p) => [p.problem, p.correct, p.firstWrongStep, p.expected])).toEqual([
      [1, false, 1, '18'],
      [2, false, 1, '14'],
      [3, false, 1, '-3'],
      [4, false, 1, '0.2'],
      [5, false, 1, '0.75'],
      [6, false, 1, '3.142857143'],
      [7, true, null, 'x^2 + 2 * x + 1'],
      [8, false, 1, '2 * a * b + a^2 + b^2'],
      [9, true, null, '2 * x - 2'],
      [10, true, null, '12'],
    ]);
    expect(marked.problems.map((p) => p.explanation.split(': ').slice(1).join(': '))).toEqual([
      'the brackets were dropped: what is inside them is worked out first, and a number before them multiplies all of it',
      'it was worked left to right: multiply and divide before adding and subtracting',
      'the sign is wrong',
      'the decimal point is misplaced (10 times too big)',
      'the fraction is upside down',
      'it is close: a number was probably rounded too early',
      '',
      'at a = 2, b = 5 it is 29, not 49',
      '',
      '',
    ]);
    expect(renderMarks(marked)).toBe(await fixture('problem-set.marks.md'));
  });

  it('finds the first wrong step inside a chain, after the right ones', () => {
    const [p] = markAnswers('(2 + 3) * 4 - 6 = 5 * 4 - 6 = 20 - 6 = 12', null).problems;
    expect(p).toMatchObject({ correct: false, firstWrongStep: 3, expected: '14' });
    expect(p?.explanation).toBe('Steps 1 and 2 are right; step 3, 12, is 12 but (2 + 3) * 4 - 6 is 14');
  });

  it('accepts a rounded answer within the tolerance', async () => {
    expect(markAnswers('22/7 = 3.14', 0.01).problems[0]?.correct).toBe(true);
    expect(markAnswers('22/7 = 3.14', 0.001).problems[0]?.correct).toBe(false);
    const done = await deliver({ answers: await fixture('problem-set.txt'), tolerance: 0.01 });
    expect(done.summary).toBe('marked a 10-problem set (4 right) for an organisation in Homeschooling');
    expect(done.deliverables.map((d) => d.name)).toEqual(['marks.md', 'marks.json']);
  });

  it('asks again for a line that is not "question = answer", naming it', () => {
    expect(() => markAnswers('2 + 2 = 4\n3 + 3', null)).toThrow('Problem 2: write it as "question = answer"');
  });
});

describe('hostile input', () => {
  it('refuses anything but arithmetic, and escapes what it shows', () => {
    for (const answers of ['import("fs") = 1', 'x = [1, 2]', '1 = <b>1</b>', 'f(x) = 1', '2^1000000 = 1', 'x.y = 1'])
      expect(() => markAnswers(answers, null)).toThrow(TaskNeedsInput);
    expect(renderMarks(markAnswers('2*3 = 5', null))).toContain('step 1, 5, is 5 but 2 \\* 3 is 6');
  });

  it('refuses an oversized set at the schema and more than 100 problems in the tool', async () => {
    await expect(deliver({ answers: '1 + 1 = 2\n'.repeat(2000) })).rejects.toThrow('answers');
    await expect(deliver({ answers: '1 + 1 = 2', tolerance: 5 })).rejects.toThrow('tolerance');
    expect(() => markAnswers('1 + 1 = 2\n'.repeat(101), null)).toThrow('at most 100');
  });
});
