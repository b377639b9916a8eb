// Social Media Agent: Plans when and where the organisation's social posts go out, so each fits its platform and lands at a good time.
import { defineAgent, deliverTask, performingTasks } from '#platform';
import { calendarInput } from './task-inputs.ts';
import { calendar } from './tools/calendar.ts';

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
      'social.calendar': (task) =>
        deliverTask(task, {
          input: calendarInput,
          tool: calendar,
          prompt: new URL('../prompts/calendar.md', import.meta.url),
        }),
    }),
  },
});
