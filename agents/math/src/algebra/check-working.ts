import { ConstantNode, type MathNode, type SymbolNode } from 'mathjs';
import { TaskNeedsInput } from '#platform';
import { lettersOfLine, readLine, show, type MathLine } from './read-math.ts';
import { differenceOf, solveEquation, type WorkedSolution } from './solve-equation.ts';

/** One step of the working, checked against the line before it. */
export interface StepCheck {
  step: number;
  written: string;
  /** How the tool read it. */
  read: string;
  verdict: 'follows' | 'wrong' | 'undecided';
  reason: string;
  /** Whether it still says the same as the problem (null when the tool cannot decide). */
  sameAsProblem: boolean | null;
}

export interface WorkingCheck {
  problem: string;
  kind: 'equation' | 'expression';
  letters: string[];
  steps: StepCheck[];
  /** The first step that does not follow from the line before it. */
  firstWrongStep: number | null;
  finalAnswer: 'correct' | 'wrong' | 'unfinished' | 'undecided';
  /** The problem solved by the tool, when it is a linear or quadratic equation in one letter. */
  solution?: WorkedSolution;
}

const maxSteps = 40;
const maxLetters = 4;
// Sample values: whole numbers first, so the values shown as evidence are easy to check by hand.
const samples = [2, 3, -1, 5, 0.5, -2.5, 1.7, 7];
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
const number = (n: number) => String(Math.round(n * 1e6) / 1e6);

type Scope = Record<string, number>;

function scopes(letters: readonly string[]): Scope[] {
  return samples.map((_, k) =>
    Object.fromEntries(letters.map((l, j) => [l, samples[(k + 3 * j) % samples.length] ?? 0])),
  );
}

/** A node's real value in a scope, or undefined where it has none (a division by 0, the root of a negative). */
function valueAt(node: MathNode, scope: Scope): number | undefined {
  try {
    const v: unknown = node.evaluate({ ...scope });
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

const describe = (scope: Scope) =>
  Object.entries(scope)
    .map(([l, v]) => `${l} = ${v}`)
    .join(', ');

/** Two expressions are the same when they agree at every sample point where both have a value (at least three). */
function compareExpressions(
  before: MathNode,
  after: MathNode,
  letters: readonly string[],
): Pick<StepCheck, 'verdict' | 'reason'> {
  let agreed = 0;
  for (const scope of scopes(letters)) {
    const [a, b] = [valueAt(before, scope), valueAt(after, scope)];
    if (a === undefined || b === undefined) continue;
    if (!close(a, b))
      return {
        verdict: 'wrong',
        reason:
          `it is not equal to the line before: ${letters.length === 0 ? '' : `at ${describe(scope)} `}` +
          `the line before is ${number(a)} but this is ${number(b)}`,
      };
    agreed += 1;
  }
  return agreed >= 3
    ? { verdict: 'follows', reason: 'equal to the line before' }
    : { verdict: 'undecided', reason: 'the tool could not evaluate both lines at enough points to compare them' };
}

/** left - right of an equation; a list of solutions has none. */
const differenceOfLine = (line: MathLine) =>
  line.kind === 'equation' ? differenceOf(line.left, line.right) : undefined;

/** The equations are the same when one's left - right is a constant multiple (not 0) of the other's at every sample point. */
function proportional(before: MathNode, after: MathNode, letters: readonly string[]): boolean {
  const ratios: number[] = [];
  for (const scope of scopes(letters)) {
    const [a, b] = [valueAt(before, scope), valueAt(after, scope)];
    if (a === undefined || b === undefined) continue;
    if (close(a, 0) || close(b, 0)) {
      if (!(close(a, 0) && close(b, 0))) return false;
      continue;
    }
    ratios.push(b / a);
  }
  return ratios.length >= 3 && ratios.every((r) => close(r, ratios[0] ?? 0));
}

type SolutionSet = { every: true } | { every: false; values: number[]; shown: string[] };

/** What the letter `unknown` may be for the line to hold, the other letters fixed by `fixed`. */
function solutionSet(line: MathLine, unknown: string, fixed: Scope): SolutionSet | undefined {
  if (line.kind === 'expression') return undefined;
  const substitute = (node: MathNode) =>
    node.transform((n) => {
      const name = (n as MathNode & { name?: string }).name;
      return n.type === 'SymbolNode' && name !== undefined && name in fixed ? new ConstantNode(fixed[name] ?? 0) : n;
    });
  // "A or B" holds where either does.
  const union: SolutionSet = { every: false, values: [], shown: [] };
  for (const equation of line.kind === 'equation' ? [line] : line.equations) {
    const solved = solveEquation(substitute(equation.left), substitute(equation.right), unknown);
    if (solved === undefined) return undefined;
    if (solved.kind === 'every-number') return { every: true };
    for (const s of solved.solutions)
      if (!union.values.some((v) => close(v, s.value))) {
        union.values.push(s.value);
        union.shown.push(s.exact);
      }
  }
  return union;
}

function sameSets(a: SolutionSet, b: SolutionSet): boolean {
  if (a.every || b.every) return a.every && b.every;
  const [p, q] = [[...new Set(a.values)], [...new Set(b.values)]];
  return p.length === q.length && p.every((v) => q.some((w) => close(v, w)));
}

function showSet(set: SolutionSet, unknown: string): string {
  if (set.every) return `every ${unknown}`;
  return set.shown.length === 0 ? 'no solution' : set.shown.map((s) => `${unknown} = ${s}`).join(' or ');
}

/**
 * Two equations say the same when one is the other times a number (rearranged), or when
 * they have the same solutions for the unknown whatever the other letters are (tried at a
 * few values of them). The unknown is the letter the last line is solved for.
 */
function compareEquations(
  before: MathLine,
  after: MathLine,
  letters: readonly string[],
  unknown: string,
): Pick<StepCheck, 'verdict' | 'reason'> {
  const [p, q] = [differenceOfLine(before), differenceOfLine(after)];
  if (p !== undefined && q !== undefined && proportional(p, q, letters))
    return { verdict: 'follows', reason: 'the same equation as the line before, rearranged' };
  const others = letters.filter((l) => l !== unknown);
  for (const fixed of others.length === 0 ? [{}] : scopes(others).slice(0, 3)) {
    const [a, b] = [solutionSet(before, unknown, fixed), solutionSet(after, unknown, fixed)];
    if (a === undefined && b !== undefined && !b.every) return substituted(before, b, unknown, fixed);
    if (a === undefined || b === undefined)
      return {
        verdict: 'undecided',
        reason: 'the tool can compare only linear and quadratic equations that are not multiples of each other',
      };
    if (!sameSets(a, b)) {
      const lost =
        !a.every && !b.every ? a.shown.filter((_, i) => !b.values.some((w) => close(w, a.values[i] ?? NaN))) : [];
      const gained =
        !a.every && !b.every ? b.shown.filter((_, i) => !a.values.some((w) => close(w, b.values[i] ?? NaN))) : [];
      const change = [
        lost.length > 0 ? `it loses ${lost.map((s) => `${unknown} = ${s}`).join(' and ')}` : '',
        gained.length > 0 ? `it gains ${gained.map((s) => `${unknown} = ${s}`).join(' and ')}` : '',
      ].filter((s) => s !== '');
      const where = others.length === 0 ? '' : ` (with ${describe(fixed)})`;
      return {
        verdict: 'wrong',
        reason:
          `it does not follow from the line before${where}: that has ${showSet(a, unknown)}, ` +
          `this has ${showSet(b, unknown)}${change.length > 0 ? `; ${change.join(', ')}` : ''}`,
      };
    }
  }
  return { verdict: 'follows', reason: 'the same solutions as the line before' };
}

/**
 * A line the tool cannot solve (sqrt(x) = 3) checked the other way: each solution of the
 * step after it put back in. One that does not satisfy it is proof of a wrong step; all
 * satisfying it shows none was gained, though one may have been lost.
 */
function substituted(
  before: MathLine,
  after: { values: number[]; shown: string[] },
  unknown: string,
  fixed: Scope,
): Pick<StepCheck, 'verdict' | 'reason'> {
  const equations = before.kind === 'equation' ? [before] : before.kind === 'either' ? before.equations : [];
  for (const [i, value] of after.values.entries()) {
    const scope = { ...fixed, [unknown]: value };
    const holds = equations.some((e) => {
      const [l, r] = [valueAt(e.left, scope), valueAt(e.right, scope)];
      return l !== undefined && r !== undefined && close(l, r);
    });
    if (!holds) {
      const first = equations[0];
      const [l, r] = first === undefined ? [] : [valueAt(first.left, scope), valueAt(first.right, scope)];
      const sides =
        l === undefined || r === undefined
          ? ''
          : ` (there its left side is ${number(l)} and its right side ${number(r)})`;
      return {
        verdict: 'wrong',
        reason: `${unknown} = ${after.shown[i] ?? number(value)} does not satisfy the line before${sides}`,
      };
    }
  }
  return {
    verdict: 'follows',
    reason: 'its solutions satisfy the line before (the tool cannot tell whether that line has others)',
  };
}

function compareLines(before: MathLine, after: MathLine, letters: readonly string[], unknown: string) {
  if (before.kind === 'expression' && after.kind === 'expression') {
    let previous = before.parts.at(-1);
    for (const part of after.parts) {
      const found = previous === undefined ? undefined : compareExpressions(previous, part, letters);
      if (found !== undefined && found.verdict !== 'follows') return found;
      previous = part;
    }
    return { verdict: 'follows' as const, reason: 'equal to the line before' };
  }
  return compareEquations(before, after, letters, unknown);
}

const readAs = (line: MathLine) =>
  line.kind === 'equation'
    ? `${show(line.left)} = ${show(line.right)}`
    : line.kind === 'expression'
      ? line.parts.map(show).join(' = ')
      : line.equations.map((e) => `${show(e.left)} = ${show(e.right)}`).join(' or ');

/** A line that gives the unknown's value(s): "x = 4", "x = 2 or x = -2". */
function isSolved(line: MathLine): boolean {
  if (line.kind === 'expression') return false;
  const lone = (a: MathNode, b: MathNode) =>
    a.type === 'SymbolNode' &&
    !lettersOfLine({ kind: 'expression', parts: [b] }).has((a as MathNode & { name: string }).name);
  return (line.kind === 'equation' ? [line] : line.equations).every(
    (e) => lone(e.left, e.right) || lone(e.right, e.left),
  );
}

/** The letter a solved line gives the value of. */
function solvedFor(line: MathLine): string | undefined {
  if (line.kind === 'expression' || !isSolved(line)) return undefined;
  const first = line.kind === 'equation' ? line : line.equations[0];
  const side = first?.left.type === 'SymbolNode' ? first.left : first?.right;
  return side?.type === 'SymbolNode' ? (side as SymbolNode).name : undefined;
}

/**
 * The working checked line by line: each step against the line before it (so a slip is
 * found where it happens, and the steps after it are judged on what they were given), and
 * against the problem, which says whether the final answer is right.
 */
export function checkWorking(problemText: string, workingText: string): WorkingCheck {
  const problem = readLine(problemText, 'The problem');
  if (problem.kind === 'either')
    throw new TaskNeedsInput('The problem is already a list of solutions; send the equation the student solved.');
  const kind = problem.kind === 'equation' ? 'equation' : 'expression';
  const written = workingText
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (written.length === 0) throw new TaskNeedsInput('The working has no steps; send one step a line.');
  if (written.length > maxSteps)
    throw new TaskNeedsInput(`The working has ${written.length} steps; the tool checks at most ${maxSteps}.`);
  const lines = written.map((w, i) => {
    const line = readLine(w, `Step ${i + 1}`);
    if ((line.kind === 'expression') !== (kind === 'expression'))
      throw new TaskNeedsInput(
        `Step ${i + 1}: "${w}" is ${line.kind === 'expression' ? 'an expression' : 'an equation'}, ` +
          `but the problem is ${kind === 'expression' ? 'an expression' : 'an equation'}; write each step the same way.`,
      );
    return line;
  });
  const letters = [...new Set([problem, ...lines].flatMap((l) => [...lettersOfLine(l)]))].sort();
  if (letters.length > maxLetters)
    throw new TaskNeedsInput(`The working uses ${letters.length} letters; the tool checks at most ${maxLetters}.`);
  const last = lines.at(-1) as MathLine;
  const unknown = solvedFor(last) ?? letters[0] ?? 'x';
  const steps: StepCheck[] = [];
  lines.forEach((line, i) => {
    const found = compareLines(i === 0 ? problem : (lines[i - 1] as MathLine), line, letters, unknown);
    const againstProblem = compareLines(problem, line, letters, unknown).verdict;
    steps.push({
      step: i + 1,
      written: written[i] ?? '',
      read: readAs(line),
      ...found,
      sameAsProblem: againstProblem === 'undecided' ? null : againstProblem === 'follows',
    });
  });
  const wrong = steps.find((s) => s.verdict === 'wrong');
  const end = steps.at(-1)?.sameAsProblem ?? null;
  const solution =
    problem.kind === 'equation' && letters.length === 1
      ? solveEquation(problem.left, problem.right, unknown)
      : undefined;
  return {
    problem: readAs(problem),
    kind,
    letters,
    steps,
    firstWrongStep: wrong?.step ?? null,
    finalAnswer:
      end === null ? 'undecided' : !end ? 'wrong' : kind === 'equation' && !isSolved(last) ? 'unfinished' : 'correct',
    ...(solution === undefined ? {} : { solution }),
  };
}
