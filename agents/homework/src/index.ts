// Homework Helper Agent: Checks a problem set's answers and explains the first wrong step of each wrong one.
import { defineAgent, deliverTask, performingTasks } from '#platform';
import { checkInput } from './task-inputs.ts';
import { check } from './tools/check.ts';

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
      'homework.check': (task) =>
        deliverTask(task, { input: checkInput, tool: check, prompt: new URL('../prompts/check.md', import.meta.url) }),
    }),
  },
});
