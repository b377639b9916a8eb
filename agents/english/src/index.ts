// English Tutor Agent: Gives a student feedback on their writing: style flags and readability against a target grade, sentence by sentence.
import { defineAgent, deliverTask, performingTasks } from '#platform';
import { feedbackInput } from './task-inputs.ts';
import { feedback } from './tools/feedback.ts';

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
      'english.feedback': (task) =>
        deliverTask(task, {
          input: feedbackInput,
          tool: feedback,
          prompt: new URL('../prompts/feedback.md', import.meta.url),
        }),
    }),
  },
});
