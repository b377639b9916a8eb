// Content Agent: Plans and reviews written content so that it reads well for the organisation's audience.
import { defineAgent, deliverTask, performingTasks } from '#platform';
import { outlineInput, reviewInput } from './task-inputs.ts';
import { outline } from './tools/outline.ts';
import { review } from './tools/review.ts';

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
      'content.outline': (task) =>
        deliverTask(task, {
          input: outlineInput,
          tool: outline,
          prompt: new URL('../prompts/outline.md', import.meta.url),
        }),
      'content.review': (task) =>
        deliverTask(task, {
          input: reviewInput,
          tool: review,
          prompt: new URL('../prompts/review.md', import.meta.url),
        }),
    }),
  },
});
