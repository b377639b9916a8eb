// The input of each task type Sales Enablement Agent takes, as agent.yml's `tasks:` declares it. The
// task API checks it against that JSON Schema; the agent parses it again here, so that each
// tool gets it typed, whichever door the task came through.
import { z } from 'zod';

/** enablement.objection: Handle an objection */
export const objectionInput = z.strictObject({
  // the organisation's playbook as text or Markdown, paragraphs separated by blank lines
  playbook: z.string().min(1).max(100000),
  // the objection as the prospect put it
  objection: z.string().min(1).max(500),
  // how many passages to return (3 if not given)
  passages: z.int().min(1).max(10).optional(),
});
export type ObjectionInput = z.output<typeof objectionInput>;
