// Math Tutor Agent: Checks a student's algebra step by step and solves linear and quadratic equations, showing the steps.
import { defineAgent, deliverTask, performingTasks } from '#platform';
import { checkInput, solveInput } from './task-inputs.ts';
import { check } from './tools/check.ts';
import { solve } from './tools/solve.ts';

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
      'math.check': (task) =>
        deliverTask(task, { input: checkInput, tool: check, prompt: new URL('../prompts/check.md', import.meta.url) }),
      'math.solve': (task) =>
        deliverTask(task, { input: solveInput, tool: solve, prompt: new URL('../prompts/solve.md', import.meta.url) }),
    }),
  },
});
