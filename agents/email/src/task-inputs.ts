// The input of each task type Email Marketing Agent takes, as agent.yml's `tasks:` declares it. The
// task API checks it against that JSON Schema; the agent parses it again here, so that each
// tool gets it typed, whichever door the task came through.
import { z } from 'zod';

/** email.check: Check a marketing email */
export const checkInput = z.strictObject({
  // the subject line
  subject: z.string().min(1).max(300),
  // the email's HTML
  html: z.string().min(1).max(200000),
  // the personalisation fields the sending tool fills, separated by commas (e.g. first_name, company)
  tokens: z.string().min(1).max(2000).optional(),
});
export type CheckInput = z.output<typeof checkInput>;
