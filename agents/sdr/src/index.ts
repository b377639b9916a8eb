// SDR Agent: Plans an outreach sequence for a list of prospects, so that every touch goes out on a working day with the right name in it.
import { defineAgent, deliverTask, performingTasks } from '#platform';
import { sequenceInput } from './task-inputs.ts';
import { sequence } from './tools/sequence.ts';

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
      'sdr.sequence': (task) =>
        deliverTask(task, {
          input: sequenceInput,
          tool: sequence,
          prompt: new URL('../prompts/sequence.md', import.meta.url),
        }),
    }),
  },
});
