// The input of each task type Homework Helper Agent takes, as agent.yml's `tasks:` declares it. The
// task API checks it against that JSON Schema; the agent parses it again here, so that each
// tool gets it typed, whichever door the task came through.
import { z } from 'zod';

/** homework.check: Mark a problem set */
export const checkInput = z.strictObject({
  // one problem a line, "question = answer", the answer's steps joined by "=", e.g. 3*(4+2) = 3*4+2 = 14
  answers: z.string().min(1).max(10000),
  // how far a numeric answer may be from the exact one, e.g. 0.01 for answers to two decimal places
  tolerance: z.number().min(0).max(1).optional(),
});
export type CheckInput = z.output<typeof checkInput>;
