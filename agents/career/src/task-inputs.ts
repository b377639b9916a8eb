// The input of each task type Career Coach Agent takes, as agent.yml's `tasks:` declares it. The
// task API checks it against that JSON Schema; the agent parses it again here, so that each
// tool gets it typed, whichever door the task came through.
import { z } from 'zod';

/** career.match: Match a résumé to a job */
export const matchInput = z.strictObject({
  // the résumé as plain text, with its section headings (e.g. Summary, Experience, Skills, Education)
  resume: z.string().min(1).max(30000),
  // the job description as plain text
  job: z.string().min(1).max(20000),
});
export type MatchInput = z.output<typeof matchInput>;
