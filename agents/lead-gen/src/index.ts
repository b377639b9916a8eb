// Lead Gen Agent: Scores a list of leads against the organisation's ideal customer profile, so that sales calls the best fits first.
import { defineAgent, deliverTask, performingTasks } from '#platform';
import { scoreInput } from './task-inputs.ts';
import { score } from './tools/score.ts';

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
      'lead-gen.score': (task) =>
        deliverTask(task, { input: scoreInput, tool: score, prompt: new URL('../prompts/score.md', import.meta.url) }),
    }),
  },
});
