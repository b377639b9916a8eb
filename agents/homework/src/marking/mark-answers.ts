import { format, rationalize, simplify, type MathNode } from 'mathjs';
import { TaskNeedsInput } from '#platform';
import { lettersOf, readExpression, show } from './read-expression.ts';

/** One problem marked: its answer's steps, the first that changes the value, and why. */
export interface MarkedProblem {
  problem: number;
  question: string;
  /** The student's steps, the last being the answer. */
  steps: string[];
  correct: boolean | null;
  /** The first step (1-based) that is not equal to the question; null when none is. */
  firstWrongStep: number | null;
  /** The right answer: the value, or mathjs's simplified form of an algebraic question. */
  expected: string;
  explanation: string;
}

export interface MarkedSet {
  tolerance: number | null;
  right: number;
  wrong: number;
  undecided: number;
  problems: MarkedProblem[];
}

const maxProblems = 100;
const samples = [2, 3, -1, 5, 0.5, -2.5, 1.7, 7];
const figure = (n: number) => format(n, { precision: 10, lowerExp: -6, upperExp: 12 });

/** A real value, or undefined where there is none (division by 0, a root of a negative). */
function valueAt(node: MathNode, scope: Record<string, number>): number | undefined {
  try {
    const v: unknown = node.evaluate({ ...scope });
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Equal within the tolerance (absolute), or to float precision when none is given. */
const equal = (a: number, b: number, tolerance: number | null) =>
  Math.abs(a - b) <= (tolerance ?? 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))) + 1e-12;

/** The question worked strictly left to right, ignoring which operation comes first: what a student who forgets the order gets. */
function leftToRight(text: string): number | undefined {
  const tokens = /^\s*-?\d+(?:\.\d+)?(?:\s*[-+*/×÷]\s*-?\d+(?:\.\d+)?)+\s*$/.test(text)
    ? text.match(/-?\d+(?:\.\d+)?|[-+*/×÷]/g)
    : null;
  if (tokens === null) return undefined;
  let total = Number(tokens[0]);
  for (let i = 1; i + 1 < tokens.length; i += 2) {
    const n = Number(tokens[i + 1]);
    const op = tokens[i];
    total = op === '+' ? total + n : op === '-' ? total - n : op === '*' || op === '×' ? total * n : total / n;
  }
  return total;
}

/** What the steps before the wrong one were: right, since each is compared with the question. */
const rightSoFar = (i: number) =>
  i === 0 ? '' : `${i === 1 ? 'Step 1 is' : i === 2 ? 'Steps 1 and 2 are' : `Steps 1 to ${i} are`} right; `;

/** The value of a question rewritten by the tool (its brackets taken out), when it still reads. */
function valueOfText(text: string): number | undefined {
  try {
    return valueAt(readExpression(text, 'the question'), {});
  } catch {
    return undefined;
  }
}

/** The likely slip behind a wrong number: each a pattern teachers see again and again. */
function slip(got: number, want: number, questionText: string): string | undefined {
  if (want !== 0 && equal(got, -want, null)) return 'the sign is wrong';
  const unbracketed = questionText.includes('(') ? valueOfText(questionText.replace(/[()]/g, '')) : undefined;
  if (unbracketed !== undefined && !equal(unbracketed, want, null) && equal(got, unbracketed, null))
    return 'the brackets were dropped: what is inside them is worked out first, and a number before them multiplies all of it';
  const ordered = leftToRight(questionText);
  if (ordered !== undefined && !equal(ordered, want, null) && equal(got, ordered, null))
    return 'it was worked left to right: multiply and divide before adding and subtracting';
  if (want !== 0 && got !== 0 && equal(got, 1 / want, null)) return 'the fraction is upside down';
  for (const k of [-3, -2, -1, 1, 2, 3])
    if (want !== 0 && equal(got, want * 10 ** k, null))
      return `the decimal point is misplaced (${k > 0 ? `${10 ** k} times too big` : `${10 ** -k} times too small`})`;
  if (want !== 0 && Math.abs(got - want) <= 0.01 * Math.abs(want))
    return 'it is close: a number was probably rounded too early';
  return undefined;
}

/** The right answer to an algebraic question: expanded when it is a polynomial ((a + b)^2 as a^2 + 2ab + b^2), else simplified. */
function expandedOrSimplified(question: MathNode): string {
  try {
    return show(simplify(rationalize(question)));
  } catch {
    return show(simplify(question));
  }
}

/**
 * One line "question = step = … = answer": each step compared with the question (numbers
 * within the tolerance; with letters, at sample points where both have a value), the first
 * that differs explained with the values and the likely slip.
 */
function markProblem(line: string, problem: number, tolerance: number | null): MarkedProblem {
  const where = `Problem ${problem}`;
  const [questionText = '', ...stepTexts] = line.split('=').map((s) => s.trim());
  if (stepTexts.length === 0 || stepTexts.some((s) => s === '') || questionText === '')
    throw new TaskNeedsInput(`${where}: write it as "question = answer", e.g. 3*(4+2) = 18.`);
  const question = readExpression(questionText, where);
  const steps = stepTexts.map((s) => readExpression(s, where));
  const letters = [...new Set([question, ...steps].flatMap(lettersOf))].sort();
  const base = { problem, question: show(question), steps: steps.map(show) };
  if (letters.length === 0) {
    const want = valueAt(question, {});
    if (want === undefined)
      return {
        ...base,
        correct: null,
        firstWrongStep: null,
        expected: 'no real value',
        explanation: 'the question has no real value',
      };
    for (const [i, step] of steps.entries()) {
      const got = valueAt(step, {});
      if (got !== undefined && equal(got, want, tolerance)) continue;
      const why = got === undefined ? undefined : slip(got, want, questionText);
      const first = rightSoFar(i);
      return {
        ...base,
        correct: false,
        firstWrongStep: i + 1,
        expected: figure(want),
        explanation:
          `${first}step ${i + 1}, ${show(step)}, is ${got === undefined ? 'not a number' : figure(got)}` +
          ` but ${base.question} is ${figure(want)}${why === undefined ? '' : `: ${why}`}`,
      };
    }
    return { ...base, correct: true, firstWrongStep: null, expected: figure(want), explanation: 'right' };
  }
  const expected = expandedOrSimplified(question);
  const scopes = samples.map((_, k) =>
    Object.fromEntries(letters.map((l, j) => [l, samples[(k + 3 * j) % samples.length] ?? 0])),
  );
  for (const [i, step] of steps.entries()) {
    let compared = 0;
    for (const scope of scopes) {
      const [want, got] = [valueAt(question, scope), valueAt(step, scope)];
      if (want === undefined || got === undefined) continue;
      compared += 1;
      if (!equal(got, want, tolerance)) {
        const at = Object.entries(scope)
          .map(([l, v]) => `${l} = ${v}`)
          .join(', ');
        return {
          ...base,
          correct: false,
          firstWrongStep: i + 1,
          expected,
          explanation: `${rightSoFar(i)}step ${i + 1}, ${show(step)}, is not equal to ${base.question}: at ${at} it is ${figure(got)}, not ${figure(want)}`,
        };
      }
    }
    if (compared < 3)
      return {
        ...base,
        correct: null,
        firstWrongStep: null,
        expected,
        explanation: `step ${i + 1} could not be evaluated at enough points to compare`,
      };
  }
  return { ...base, correct: true, firstWrongStep: null, expected, explanation: 'right' };
}

/** Each non-empty line a problem ("1." or "Q1:" before it is its label, not part of it). */
export function markAnswers(text: string, tolerance: number | null): MarkedSet {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.replace(/^\s*Q?\d+[.):]\s+/i, '').trim())
    .filter((l) => l !== '');
  if (lines.length === 0) throw new TaskNeedsInput('Send at least one problem, as "question = answer".');
  if (lines.length > maxProblems)
    throw new TaskNeedsInput(`Send at most ${maxProblems} problems; there are ${lines.length}.`);
  const problems = lines.map((l, i) => markProblem(l, i + 1, tolerance));
  return {
    tolerance,
    right: problems.filter((p) => p.correct === true).length,
    wrong: problems.filter((p) => p.correct === false).length,
    undecided: problems.filter((p) => p.correct === null).length,
    problems,
  };
}
