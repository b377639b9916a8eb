// Influencer Agent: Finds the influencers worth working with among a list of accounts, and the ones whose audience looks bought.
import { defineAgent, deliverTask, performingTasks } from '#platform';
import { shortlistInput } from './task-inputs.ts';
import { shortlist } from './tools/shortlist.ts';

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
      'influencer.shortlist': (task) =>
        deliverTask(task, {
          input: shortlistInput,
          tool: shortlist,
          prompt: new URL('../prompts/shortlist.md', import.meta.url),
        }),
    }),
  },
});
