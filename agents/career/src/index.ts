// Career Coach Agent: Matches a résumé against a job description and says what to change, section by section.
import { defineAgent, deliverTask, performingTasks } from '#platform';
import { matchInput } from './task-inputs.ts';
import { match } from './tools/match.ts';

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
      'career.match': (task) =>
        deliverTask(task, { input: matchInput, tool: match, prompt: new URL('../prompts/match.md', import.meta.url) }),
    }),
  },
});
