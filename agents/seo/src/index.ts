// SEO Agent: Audits a web page for on-page search engine optimisation and says what to fix first.
import { defineAgent, deliverTask, performingTasks } from '#platform';
import { auditInput } from './task-inputs.ts';
import { audit } from './tools/audit.ts';

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
      'seo.audit': (task) =>
        deliverTask(task, { input: auditInput, tool: audit, prompt: new URL('../prompts/audit.md', import.meta.url) }),
    }),
  },
});
