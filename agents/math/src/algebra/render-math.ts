import { markdownText } from '#platform';
import type { WorkingCheck } from './check-working.ts';
import type { WorkedSolution } from './solve-equation.ts';

const verdicts = { follows: '✓ follows', wrong: '✗ wrong', undecided: '? cannot tell' } as const;
const finals = {
  correct: 'The final answer is correct.',
  wrong: 'The final answer is wrong.',
  unfinished: 'The last line is right but not yet solved for the unknown.',
  undecided: 'The tool could not decide whether the final answer is right.',
} as const;

/** What a solution says, in one line: "x = 2 or x = 3". */
function solutionsLine(solution: WorkedSolution): string {
  if (solution.kind === 'every-number') return `every ${solution.variable} is a solution`;
  if (solution.solutions.length > 0)
    return solution.solutions.map((s) => `${solution.variable} = ${s.exact}`).join(' or ');
  if (solution.complexSolutions !== undefined)
    return `no real solution (complex: ${solution.complexSolutions.map((s) => `${solution.variable} = ${s}`).join(' or ')})`;
  return 'no solution';
}

/** The worked solution as numbered steps, the mathematics in code spans (the tool wrote it, from parsed input). */
export function renderSolution(solution: WorkedSolution, heading = '#'): string {
  return [
    `${heading} Solving \`${solution.equation}\``,
    '',
    ...solution.steps.map((s, i) => `${i + 1}. ${s.explanation}: \`${s.math}\``),
    '',
    `**Answer:** ${solutionsLine(solution)}.`,
    '',
  ].join('\n');
}

/** The check as a teacher reads it: where it goes wrong, each step's verdict and why, then the tool's own solution. */
export function renderCheck(check: WorkingCheck): string {
  const lines = [
    '# Working checked',
    '',
    `Problem: \`${check.problem}\` (${check.kind === 'equation' ? 'an equation' : 'an expression'}` +
      `${check.letters.length > 0 ? ` in ${check.letters.join(', ')}` : ''}).`,
    '',
    check.firstWrongStep === null
      ? `**Every step follows from the one before.** ${finals[check.finalAnswer]}`
      : `**The working goes wrong at step ${check.firstWrongStep}.** ${finals[check.finalAnswer]}`,
    '',
    '| step | written | read as | verdict | why | same as the problem |',
    '|---|---|---|---|---|---|',
    ...check.steps.map(
      (s) =>
        `| ${[
          s.step,
          markdownText(s.written),
          `\`${s.read}\``,
          verdicts[s.verdict],
          markdownText(s.reason),
          s.sameAsProblem === null ? '?' : s.sameAsProblem ? 'yes' : 'no',
        ].join(' | ')} |`,
    ),
    '',
  ];
  if (check.solution !== undefined) lines.push(renderSolution(check.solution, '##'));
  return lines.join('\n');
}
