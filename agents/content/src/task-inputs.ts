// The input of each task type Content Agent takes, as agent.yml's `tasks:` declares it. The
// task API checks it against that JSON Schema; the agent parses it again here, so that each
// tool gets it typed, whichever door the task came through.
import { z } from 'zod';

/** content.outline: Outline a piece */
export const outlineInput = z.strictObject({
  // what the piece is for, who reads it and the points it must cover, one a line
  brief: z.string().min(1).max(4000),
  // the kind of piece
  format: z.enum(['blog-post', 'landing-page', 'newsletter', 'guide']).optional(),
  // how long the piece should be
  words: z.int().min(300).max(5000).optional(),
  // the keyword the title and headings should carry
  keyword: z.string().min(1).max(80).optional(),
});
export type OutlineInput = z.output<typeof outlineInput>;

/** content.review: Review a draft */
export const reviewInput = z.strictObject({
  // the draft to review
  draft: z.string().min(1).max(50000),
});
export type ReviewInput = z.output<typeof reviewInput>;
