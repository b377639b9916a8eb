import type { CustomerTask, ToolOutcome } from '#platform';
import { checkDimensions } from '../units/check-dimensions.ts';
import { renderDimensions } from '../units/render-units.ts';
import type { DimensionsInput } from '../task-inputs.ts';

/**
 * science.dimensions: the formula's two sides worked out in mathjs's units from its
 * variables' units, whether they match, and each sum, power or function that mixes
 * dimensions, as Markdown and JSON.
 */
export function dimensions(input: DimensionsInput, task: CustomerTask): Promise<ToolOutcome> {
  const check = checkDimensions(input.formula, input.units);
  const industry = task.organisation.industry;
  const who = industry === undefined ? 'an organisation' : `an organisation in ${industry}`;
  return Promise.resolve({
    deliverables: [
      { name: 'dimensions.md', mediaType: 'text/markdown', content: renderDimensions(check) },
      { name: 'dimensions.json', mediaType: 'application/json', content: `${JSON.stringify(check, null, 2)}\n` },
    ],
    summary: `checked a formula's dimensions (${check.consistent ? 'consistent' : `${check.flags.length} mismatch(es)`}) for ${who}`,
  });
}
