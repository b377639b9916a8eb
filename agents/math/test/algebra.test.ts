import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createLogger, deliverTask, TaskNeedsInput, type CustomerTask } from '#platform';
import { checkWorking } from '../src/algebra/check-working.ts';
import { renderCheck } from '../src/algebra/render-math.ts';
import { checkInput, solveInput } from '../src/task-inputs.ts';
import { check } from '../src/tools/check.ts';
import { solve } from '../src/tools/solve.ts';

// math.check and math.solve on real students' working, exactly: which step is wrong, the
// values that prove it, and the solutions with their steps.
const fixture = (name: string) => readFile(new URL(`fixtures/${name}`, import.meta.url), 'utf8');

function taskOf(type: string, input: Record<string, unknown>): CustomerTask {
  return {
    id: '3c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
    organisationId: '9e8d7c6b-5a49-4382-9716-a5b4c3d2e1f0',
    agentId: 'math',
    type,
    input,
    organisation: { industry: 'Tutoring centres', pastDeliverables: [], feedback: [] },
    log: createLogger('silent'),
  };
}

const deliver = (type: 'math.check' | 'math.solve', input: Record<string, unknown>) =>
  type === 'math.check'
    ? deliverTask(taskOf(type, input), {
        input: checkInput,
        tool: check,
        prompt: new URL('../prompts/check.md', import.meta.url),
      })
    : deliverTask(taskOf(type, input), {
        input: solveInput,
        tool: solve,
        prompt: new URL('../prompts/solve.md', import.meta.url),
      });

describe('math.check', () => {
  it('follows a correct linear working through brackets to the answer', async () => {
    const found = checkWorking(await fixture('linear.problem.txt'), await fixture('linear.working.txt'));
    expect(found.steps.map((s) => s.verdict)).toEqual(['follows', 'follows', 'follows', 'follows']);
    expect(found).toMatchObject({ firstWrongStep: null, finalAnswer: 'correct', letters: ['x'] });
    expect(found.solution?.solutions).toEqual([{ exact: '7', value: 7 }]);
  });

  it('marks step 3 of a factorised quadratic, where x = -3 is dropped', async () => {
    const found = checkWorking(await fixture('quadratic.problem.txt'), await fixture('quadratic.working.txt'));
    expect(found.firstWrongStep).toBe(3);
    expect(found.finalAnswer).toBe('wrong');
    expect(found.steps[2]).toEqual({
      step: 3,
      written: 'x = 5',
      read: 'x = 5',
      verdict: 'wrong',
      reason: 'it does not follow from the line before: that has x = 5 or x = -3, this has x = 5; it loses x = -3',
      sameAsProblem: false,
    });
    expect(renderCheck(found)).toBe(await fixture('quadratic.check.md'));
  });

  it('marks a bracket expanded with the wrong sign, and judges the steps after it on what they were given', () => {
    const found = checkWorking('3(x - 2) = 2x + 1', '3x - 2 = 2x + 1\nx - 2 = 1\nx = 3');
    expect(found.steps.map((s) => [s.verdict, s.sameAsProblem])).toEqual([
      ['wrong', false],
      ['follows', false],
      ['follows', false],
    ]);
    expect(found.steps[0]?.reason).toBe(
      'it does not follow from the line before: that has x = 7, this has x = 3; it loses x = 7, it gains x = 3',
    );
  });

  it('shows the value where an expanded square stops being equal', () => {
    const found = checkWorking('(2x + 1)^2', '= (2x + 1)(2x + 1)\n= 4x^2 + 2x + 1');
    expect(found.firstWrongStep).toBe(2);
    expect(found.steps[1]?.reason).toBe(
      'it is not equal to the line before: at x = 2 the line before is 25 but this is 21',
    );
  });

  it('checks ±, lists of solutions, other letters, and equations it cannot solve by putting the answer back', () => {
    expect(checkWorking('x^2 = 9', 'x = ±3').finalAnswer).toBe('correct');
    expect(checkWorking('x^2 = 9', 'x = 3, -3').steps[0]?.read).toBe('x = 3 or x = -3');
    expect(checkWorking('y = 2x + 3', 'y - 3 = 2x\nx = (y - 3)/2').finalAnswer).toBe('correct');
    expect(checkWorking('y = 2x + 3', 'y + 3 = 2x').steps[0]?.reason).toBe(
      'it does not follow from the line before (with y = 2): that has x = -1/2, this has x = 5/2; it loses x = -1/2, it gains x = 5/2',
    );
    expect(checkWorking('2x + 3 = 11', '2x = 8').finalAnswer).toBe('unfinished');
    expect(checkWorking('sqrt(x + 1) = 3', 'x + 1 = 9\nx = 8').finalAnswer).toBe('correct');
    expect(checkWorking('sqrt(x) = 3', 'x = 6').steps[0]?.reason).toBe(
      'x = 6 does not satisfy the line before (there its left side is 2.44949 and its right side 3)',
    );
  });

  it('delivers Markdown and JSON with a one-line anonymised summary', async () => {
    const done = await deliver('math.check', {
      problem: await fixture('quadratic.problem.txt'),
      working: await fixture('quadratic.working.txt'),
    });
    expect(done.deliverables.map((d) => [d.name, d.mediaType])).toEqual([
      ['check.md', 'text/markdown'],
      ['check.json', 'application/json'],
    ]);
    expect(JSON.parse(String(done.deliverables[1]?.content))).toMatchObject({
      firstWrongStep: 3,
      finalAnswer: 'wrong',
    });
    expect(done.summary).toBe('checked 3 steps of algebra (step 3 wrong) for an organisation in Tutoring centres');
  });
});

describe('math.solve', () => {
  const solved = async (equation: string) => {
    const done = await deliver('math.solve', { equation });
    return JSON.parse(String(done.deliverables[1]?.content)) as {
      kind: string;
      steps: { explanation: string; math: string }[];
      solutions: { exact: string }[];
      complexSolutions?: string[];
    };
  };

  it('solves a linear equation with fractions, clearing them first', async () => {
    const s = await solved('x/2 + 1/3 = 4');
    expect(s.steps.map((step) => step.math)).toEqual([
      'x / 2 + 1 / 3 = 4',
      '1/2 x - 11/3 = 0',
      '3x - 22 = 0',
      '3x = 22',
      'x = 22/3',
    ]);
    expect(s.solutions.map((r) => r.exact)).toEqual(['22/3']);
  });

  it('factors a quadratic whose discriminant is a perfect square', async () => {
    const s = await solved('2x^2 + 3x = 2');
    expect(s.steps.map((step) => step.math)).toEqual([
      '2x^2 + 3x = 2',
      '2x^2 + 3x - 2 = 0',
      '(x + 2)(2x - 1) = 0',
      'x + 2 = 0 or 2x - 1 = 0',
      'x = -2 or x = 1/2',
    ]);
  });

  it('uses the formula with a simplified surd, gives complex solutions, and drops a value that divides by 0', async () => {
    expect((await solved('x^2 + 2x - 1 = 0')).solutions.map((r) => r.exact)).toEqual(['-1 - √2', '-1 + √2']);
    expect(await solved('x^2 + x + 1 = 0')).toMatchObject({
      solutions: [],
      complexSolutions: ['(-1 + i√3)/2', '(-1 - i√3)/2'],
    });
    expect(await solved('x/(x - 1) = 1/(x - 1)')).toMatchObject({ kind: 'quadratic', solutions: [] });
    expect((await solved('2(x + 1) = 2x + 2')).kind).toBe('every-number');
  });

  it('asks for a linear or quadratic equation in one letter', async () => {
    await expect(deliver('math.solve', { equation: 'x^3 = 8' })).rejects.toThrow(
      'not a linear or quadratic equation in x',
    );
    await expect(deliver('math.solve', { equation: 'x + y = 3' })).rejects.toThrow(
      'exactly one unknown letter; it has x, y',
    );
    await expect(deliver('math.solve', { equation: 'x + 1' })).rejects.toThrow(TaskNeedsInput);
  });
});

describe('hostile input', () => {
  it('refuses anything but arithmetic: assignments, functions, strings, huge powers', async () => {
    for (const problem of [
      'import("fs") = 1',
      'f(x) = 2',
      '"a" + x = 1',
      'x^1000 = 1',
      'evaluate("1") = x',
      'x.constructor = 1',
    ])
      await expect(deliver('math.check', { problem, working: 'x = 1' })).rejects.toThrow(TaskNeedsInput);
  });

  it('escapes Markdown in what the student wrote, and refuses links and HTML', () => {
    const report = renderCheck(checkWorking('2*x = 8', '2 * x * 1 = 8\nx = 4'));
    expect(report).toContain('| 1 | 2 \\* x \\* 1 = 8 | `2 * x * 1 = 8` |');
    for (const working of ['[x](javascript:alert(1)) = 1', 'x = 1 <script>', 'x = <img src=x onerror=alert(1)>'])
      expect(() => checkWorking('x + 1 = 2', working)).toThrow(TaskNeedsInput);
  });

  it('refuses an oversized working at the schema, and more than 40 steps in the tool', async () => {
    await expect(deliver('math.check', { problem: 'x = 1', working: 'x = 1\n'.repeat(1000) })).rejects.toThrow(
      'working',
    );
    expect(() => checkWorking('x = 1', 'x = 1\n'.repeat(41))).toThrow('at most 40');
  });
});
