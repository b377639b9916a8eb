// Account Executive Agent: Forecasts an account executive's deal pipeline, so that the number given to the business is one the deals support.
import { defineAgent, deliverTask, performingTasks } from '#platform';
import { forecastInput } from './task-inputs.ts';
import { forecast } from './tools/forecast.ts';

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
      'ae.forecast': (task) =>
        deliverTask(task, {
          input: forecastInput,
          tool: forecast,
          prompt: new URL('../prompts/forecast.md', import.meta.url),
        }),
    }),
  },
});
