// The input of each task type English Tutor Agent takes, as agent.yml's `tasks:` declares it. The
// task API checks it against that JSON Schema; the agent parses it again here, so that each
// tool gets it typed, whichever door the task came through.
import { z } from 'zod';

/** english.feedback: Give writing feedback */
export const feedbackInput = z.strictObject({
  // the student's writing
  text: z.string().min(1).max(20000),
  // the school grade the writing should read at
  grade: z.int().min(1).max(12),
});
export type FeedbackInput = z.output<typeof feedbackInput>;
