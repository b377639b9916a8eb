// PPC Agent: Keeps paid search and social campaigns on budget and on target, from the figures the ad platforms export.
import { defineAgent, deliverTask, performingTasks } from '#platform';
import { pacingInput } from './task-inputs.ts';
import { pacing } from './tools/pacing.ts';

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
      'ppc.pacing': (task) =>
        deliverTask(task, {
          input: pacingInput,
          tool: pacing,
          prompt: new URL('../prompts/pacing.md', import.meta.url),
        }),
    }),
  },
});
