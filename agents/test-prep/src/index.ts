// Test Prep Agent: Turns a question bank and a student's past answers into a spaced-repetition study schedule.
import { defineAgent, deliverTask, performingTasks } from '#platform';
import { scheduleInput } from './task-inputs.ts';
import { schedule } from './tools/schedule.ts';

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
      'test-prep.schedule': (task) =>
        deliverTask(task, {
          input: scheduleInput,
          tool: schedule,
          prompt: new URL('../prompts/schedule.md', import.meta.url),
        }),
    }),
  },
});
