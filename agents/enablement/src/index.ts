// Sales Enablement Agent: Finds what the organisation's own playbook says about an objection, so that a rep answers with the company's best words in the moment.
import { defineAgent, deliverTask, performingTasks } from '#platform';
import { objectionInput } from './task-inputs.ts';
import { objection } from './tools/objection.ts';

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
      'enablement.objection': (task) =>
        deliverTask(task, {
          input: objectionInput,
          tool: objection,
          prompt: new URL('../prompts/objection.md', import.meta.url),
        }),
    }),
  },
});
