// Study Planner Agent: Plans a student's study over the weeks to an exam, session by session, in the student's time zone.
import { defineAgent, deliverTask, performingTasks } from '#platform';
import { planInput } from './task-inputs.ts';
import { plan } from './tools/plan.ts';

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
      'study.plan': (task) =>
        deliverTask(task, { input: planInput, tool: plan, prompt: new URL('../prompts/plan.md', import.meta.url) }),
    }),
  },
});
