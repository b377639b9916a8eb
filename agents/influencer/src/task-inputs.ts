// The input of each task type Influencer Agent takes, as agent.yml's `tasks:` declares it. The
// task API checks it against that JSON Schema; the agent parses it again here, so that each
// tool gets it typed, whichever door the task came through.
import { z } from 'zod';

/** influencer.shortlist: Shortlist influencers */
export const shortlistInput = z.strictObject({
  // the accounts as CSV with a header row: handle, followers, following, posts, avg_likes, avg_comments
  csv: z.string().min(1).max(100000),
  // how many accounts the shortlist takes (10 when empty)
  top: z.int().min(1).max(50).optional(),
  // the fewest followers an account may have to be shortlisted
  minFollowers: z.int().min(0).max(1000000000).optional(),
});
export type ShortlistInput = z.output<typeof shortlistInput>;
