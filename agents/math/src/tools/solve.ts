import { TaskNeedsInput, type CustomerTask, type ToolOutcome } from '#platform';
import { lettersOfLine, readLine } from '../algebra/read-math.ts';
import { renderSolution } from '../algebra/render-math.ts';
import { solveEquation } from '../algebra/solve-equation.ts';
import type { SolveInput } from '../task-inputs.ts';

/**
 * math.solve: a linear or quadratic equation in one letter solved exactly (mathjs reads and
 * collects it; fractions and surds are kept exact), every step shown, as Markdown and JSON.
 */
const kinds = { linear: 'a linear', quadratic: 'a quadratic', 'every-number': 'an', 'no-solution': 'an' } as const;

export function solve(input: SolveInput, task: CustomerTask): Promise<ToolOutcome> {
  const line = readLine(input.equation, 'The equation');
  if (line.kind !== 'equation')
    throw new TaskNeedsInput('The equation needs one "=" with something on each side, e.g. x^2 - 5x + 6 = 0.');
  const letters = [...lettersOfLine(line)];
  const [variable] = letters;
  if (variable === undefined || letters.length > 1)
    throw new TaskNeedsInput(
      `The equation must have exactly one unknown letter; it has ${letters.length === 0 ? 'none' : letters.join(', ')}.`,
    );
  const solution = solveEquation(line.left, line.right, variable);
  if (solution === undefined)
    throw new TaskNeedsInput(
      `"${input.equation}" is not a linear or quadratic equation in ${variable}; the tool solves those only.`,
    );
  const industry = task.organisation.industry;
  const who = industry === undefined ? 'an organisation' : `an organisation in ${industry}`;
  return Promise.resolve({
    deliverables: [
      { name: 'solution.md', mediaType: 'text/markdown', content: renderSolution(solution) },
      { name: 'solution.json', mediaType: 'application/json', content: `${JSON.stringify(solution, null, 2)}\n` },
    ],
    summary: `solved ${kinds[solution.kind]} equation in ${solution.steps.length} steps for ${who}`,
  });
}
