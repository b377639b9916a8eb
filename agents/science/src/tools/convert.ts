import type { CustomerTask, ToolOutcome } from '#platform';
import { convertQuantities } from '../units/convert-quantities.ts';
import { renderConversions } from '../units/render-units.ts';
import type { ConvertInput } from '../task-inputs.ts';

/** science.convert: each quantity converted with mathjs's units, with its SI form and dimension, as Markdown and JSON. */
export function convert(input: ConvertInput, task: CustomerTask): Promise<ToolOutcome> {
  const conversions = convertQuantities(input.quantities);
  const industry = task.organisation.industry;
  const who = industry === undefined ? 'an organisation' : `an organisation in ${industry}`;
  return Promise.resolve({
    deliverables: [
      { name: 'conversions.md', mediaType: 'text/markdown', content: renderConversions(conversions) },
      { name: 'conversions.json', mediaType: 'application/json', content: `${JSON.stringify(conversions, null, 2)}\n` },
    ],
    summary: `converted ${conversions.length} quantities for ${who}`,
  });
}
