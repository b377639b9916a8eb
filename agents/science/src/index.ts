// Science Tutor Agent: Converts quantities between units and checks that a formula's dimensions agree.
import { defineAgent, deliverTask, performingTasks } from '#platform';
import { convertInput, dimensionsInput } from './task-inputs.ts';
import { convert } from './tools/convert.ts';
import { dimensions } from './tools/dimensions.ts';

/**
 * Each task type the manifest declares, done by its tool (src/tools/), the deliverable; with
 * a model configured, its prompt (prompts/) adds prose for the customer's organisation
 * (the platform's deliverTask: the input checked, the tool, then the model's notes).
 * The Service Flow's runner says the task started, then completed, failed or needs input,
 * once per task, and leaves other agents' tasks alone.
 */
export default defineAgent({
  on: {
    'customer.task.requested': performingTasks({
      'science.convert': (task) =>
        deliverTask(task, {
          input: convertInput,
          tool: convert,
          prompt: new URL('../prompts/convert.md', import.meta.url),
        }),
      'science.dimensions': (task) =>
        deliverTask(task, {
          input: dimensionsInput,
          tool: dimensions,
          prompt: new URL('../prompts/dimensions.md', import.meta.url),
        }),
    }),
  },
});
