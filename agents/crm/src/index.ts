// CRM Hygiene Agent: Cleans a contacts export so that each person is in the CRM once, reachable and spelled right.
import { defineAgent, deliverTask, performingTasks } from '#platform';
import { cleanInput } from './task-inputs.ts';
import { clean } from './tools/clean.ts';

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
      'crm.clean': (task) =>
        deliverTask(task, { input: cleanInput, tool: clean, prompt: new URL('../prompts/clean.md', import.meta.url) }),
    }),
  },
});
