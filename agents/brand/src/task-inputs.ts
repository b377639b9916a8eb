// The input of each task type Brand Voice Agent takes, as agent.yml's `tasks:` declares it. The
// task API checks it against that JSON Schema; the agent parses it again here, so that each
// tool gets it typed, whichever door the task came through.
import { z } from 'zod';

/** brand.check: Check a text against the brand voice */
export const checkInput = z.strictObject({
  // the text to check
  text: z.string().min(1).max(50000),
  // the terms the brand never uses, one a line, with a replacement after "=>" where there is one (e.g. cheap => affordable)
  banned: z.string().min(1).max(10000).optional(),
  // the brand's own terms, one a line, with the variants to replace after a colon (e.g. email: e-mail, E-Mail)
  preferred: z.string().min(1).max(10000).optional(),
  // the most words a sentence may have (25 when empty)
  maxSentenceWords: z.int().min(5).max(100).optional(),
  // the most exclamation marks a line may have (1 when empty)
  exclamations: z.int().min(0).max(10).optional(),
  // how the brand speaks of itself: as "we" (the default), as "I", or either
  voice: z.enum(['we', 'i', 'any']).optional(),
});
export type CheckInput = z.output<typeof checkInput>;
